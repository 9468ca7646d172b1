using System.Buffers;
using Microsoft.AspNetCore.Http;
using System.Net.WebSockets;
using NetWebSocket = System.Net.WebSockets.WebSocket;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>The WebSocket side of a session: the write loop, the receive loop, and the upgrade from long-polling.</summary>
internal sealed partial class EngineIoSession
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The first bytes of each WebSocket message are read here; larger messages go on in a pooled buffer.</summary>
    private const int HeadSize = 64;

    private NetWebSocket? _probe;
    private byte[]? _head;
    private bool _upgrading;
    private bool _upgraded;

    /// <summary>
    /// Ends an upgrade attempt: the probe is dropped and the session goes on on polling. The upgrade timeout only ends one
    /// whose probe was not answered yet: after 3probe engine.io-client pauses its polling for good and waits to move to
    /// the probe, so dropping the probe then would strand it; a client that never sends its "5" is ended by the heartbeat
    /// (its pings wait for the WebSocket, the pong never comes).
    /// </summary>
    private void AbandonUpgrade(NetWebSocket probe, bool timedOut = false)
    {
        lock (_gate)
        {
            if (_probe != probe || (timedOut && _upgrading))
            {
                return;
            }

            _probe = null;
            _upgrading = false;
        }

        probe.Abort();
    }

    /// <summary>
    /// A packet on the probing socket: <c>2probe</c>, then <c>5</c>. Anything else ends the upgrade attempt. A session the
    /// server closed after the probe was answered still takes the <c>5</c>: what was left goes out on the WebSocket, which
    /// then closes.
    /// </summary>
    private bool OnProbePacket(NetWebSocket socket, ReadOnlySpan<byte> packet, out bool upgraded)
    {
        upgraded = false;
        if (packet.SequenceEqual("2probe"u8))
        {
            TaskCompletionSource<PollSignal>? poll;
            lock (_gate)
            {
                if (_isClosed || _probe != socket)
                {
                    return false;
                }

                _upgrading = true;
                poll = TakePoll();
            }

            poll?.TrySetResult(PollSignal.Noop);
            _ = socket.SendAsync(EngineFrame.ProbePong.Data, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).AsTask();
            return true;
        }

        if (packet.SequenceEqual("5"u8))
        {
            EngineFrame first = default;
            var flush = false;
            bool closed;
            ITimer? linger = null;
            lock (_gate)
            {
                // A lingering session keeps its probe only when the probe was answered; any other close took it.
                if (_probe != socket || !_upgrading || (_isClosed && !_lingering))
                {
                    return false;
                }

                _probe = null;
                _upgrading = false;
                _upgraded = true;
                Volatile.Write(ref _socket, socket);
                closed = _isClosed;
                if (closed)
                {
                    _lingering = false;
                    linger = TakeTimer();
                }

                if (_queue is { Count: > 0 } queue)
                {
                    first = queue.Dequeue();
                    _writing = flush = true;
                }
            }

            // No GET waits here: the probe's answer took the one that waited, and later ones were answered at once.
            if (closed)
            {
                EndLinger(probe: null, linger);
            }

            if (flush)
            {
                // The write loop closes the socket once the queue drained, when the session is closed.
                _ = WriteLoopAsync(first);
                if (closed)
                {
                    _ = CloseWhenStuckAsync(socket);
                }
            }
            else if (closed)
            {
                _ = CloseSocketAsync(socket);
            }

            upgraded = true;
            return true;
        }

        return false;
    }

    private async Task WriteLoopAsync(EngineFrame frame)
    {
        var socket = Volatile.Read(ref _socket)!;
        try
        {
            while (true)
            {
                // No token: the cancellable path of ManagedWebSocket is the slow one; a close aborts a stuck send instead.
                await socket.SendAsync(frame.Data, frame.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                var drained = false;
                var closeNow = false;
                lock (_gate)
                {
                    if (_queue is not { Count: > 0 } queue)
                    {
                        _writing = false;
                        drained = true;
                        closeNow = _isClosed;
                    }
                    else
                    {
                        frame = queue.Dequeue();
                    }
                }

                if (drained)
                {
                    if (closeNow)
                    {
                        await CloseSocketAsync(socket).ConfigureAwait(false);
                    }

                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            lock (_gate)
            {
                _writing = false;
            }

            Close("transport error", clientInitiated: false);
        }
    }

    /// <summary>A close that waits for the queue to drain still ends a client that stopped reading.</summary>
    private async Task CloseWhenStuckAsync(NetWebSocket socket)
    {
        await Task.Delay(CloseHandshakeTimeout, _server.TimeProvider).ConfigureAwait(false);
        if (socket.State == WebSocketState.Open)
        {
            await CloseSocketAsync(socket).ConfigureAwait(false);
        }
    }

    private async Task CloseSocketAsync(NetWebSocket socket)
    {
        if (socket.State == WebSocketState.CloseSent)
        {
            return; // our close is on its way; the receive loop waits for the client's answer
        }

        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            socket.Abort();
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, _server.TimeProvider);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, statusDescription: null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            socket.Abort();
        }
    }

    /// <summary>
    /// Serves the session on a WebSocket, in one method so that an idle connection keeps one state machine: accepts the
    /// WebSocket, then either opens the session on it (its first packet is the handshake) or, with
    /// <paramref name="upgrade"/>, takes it as the probe of an upgrade from long-polling (<c>2probe</c> → <c>3probe</c>,
    /// a pending GET gets <c>noop</c>, and on <c>5</c> the session moves onto it and what waited is flushed; a second
    /// upgrade, or one of a session already on a WebSocket, is closed at once, as the reference server does). Then
    /// reads messages until the socket or the session closes, waiting with a zero-byte read so an idle session holds no
    /// buffer; a message is read into a pooled buffer, and one larger than the maximum payload closes the socket with
    /// 1009 (message too big).
    /// </summary>
    public async Task ServeWebSocketAsync(HttpContext context, bool upgrade, byte[]? handshake)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var probing = upgrade;
        ITimer? upgradeTimeout = null;
        if (upgrade)
        {
            var refused = false;
            lock (_gate)
            {
                if (!_isClosed && !_upgraded && _probe is null && _socket is null)
                {
                    _probe = socket;
                }
                else
                {
                    refused = true;
                }
            }

            if (refused)
            {
                await CloseSocketAsync(socket).ConfigureAwait(false);
                return;
            }

            upgradeTimeout = _server.TimeProvider.CreateTimer(
                static s =>
                {
                    var (session, probe) = ((EngineIoSession, NetWebSocket))s!;
                    session.AbandonUpgrade(probe, timedOut: true);
                },
                (this, socket),
                _server.Settings.UpgradeTimeout,
                Timeout.InfiniteTimeSpan);
        }
        else
        {
            lock (_gate)
            {
                Volatile.Write(ref _socket, socket);
            }

            await _server.OpenAsync(this, context).ConfigureAwait(false);
            Send(EngineFrame.Text(handshake!));
        }

        try
        {
            var maxPayload = _server.Settings.MaxPayload;
            try
            {
                while (true)
                {
                    // A message starts in the session's small head buffer: most packets (pongs, joins) fit, and an idle
                    // session holds nothing bigger. (No zero-byte read: ManagedWebSocket may already hold the next frame,
                    // and a zero-byte read then waits for more network data.)
                    var head = _head ??= new byte[HeadSize];
                    var first = await socket.ReceiveAsync(head.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                    if (first.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    if (first.Count > maxPayload)
                    {
                        _server.Diagnostics.ProtocolError("message larger than maxHttpBufferSize", Id);
                        await CloseWithAsync(socket, WebSocketCloseStatus.MessageTooBig, probing ? null : "message too big").ConfigureAwait(false);
                        return;
                    }

                    if (first.EndOfMessage)
                    {
                        var isBinary = first.MessageType == WebSocketMessageType.Binary;
                        if (probing)
                        {
                            if (isBinary || !OnProbePacket(socket, head.AsSpan(0, first.Count), out var upgradedNow))
                            {
                                AbandonUpgrade(socket);
                                return;
                            }

                            probing = !upgradedNow;
                            continue;
                        }

                        if (!await OnPacketAsync(head.AsMemory(0, first.Count), isBinary).ConfigureAwait(false))
                        {
                            return;
                        }

                        continue;
                    }

                    var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(first.Count + 1, Math.Min(maxPayload + 1, 4096)));
                    head.AsSpan(0, first.Count).CopyTo(buffer);
                    try
                    {
                        var length = first.Count;
                        ValueWebSocketReceiveResult result = first;
                        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
                        {
                            if (length == buffer.Length)
                            {
                                if (length > maxPayload)
                                {
                                    break;
                                }

                                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(maxPayload + 1, buffer.Length * 2));
                                buffer.AsSpan(0, length).CopyTo(larger);
                                ArrayPool<byte>.Shared.Return(buffer);
                                buffer = larger;
                            }

                            result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                            length += result.Count;
                        }

                        if (length > maxPayload)
                        {
                            _server.Diagnostics.ProtocolError("message larger than maxHttpBufferSize", Id);
                            await CloseWithAsync(socket, WebSocketCloseStatus.MessageTooBig, probing ? null : "message too big").ConfigureAwait(false);
                            return;
                        }

                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            break;
                        }

                        var binary = result.MessageType == WebSocketMessageType.Binary;
                        if (probing)
                        {
                            if (binary || !OnProbePacket(socket, buffer.AsSpan(0, length), out var upgraded))
                            {
                                AbandonUpgrade(socket);
                                return;
                            }

                            probing = !upgraded;
                            continue;
                        }

                        if (!await OnPacketAsync(buffer.AsMemory(0, length), binary).ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
            }

            if (probing)
            {
                AbandonUpgrade(socket);
            }
            else
            {
                Close("transport close", clientInitiated: true);
            }
        }
        finally
        {
            upgradeTimeout?.Dispose();
        }
    }

    /// <summary>
    /// Closes with <paramref name="status"/>, closes the session (when <paramref name="reason"/> is given), and reads
    /// (discarding) until the client's close comes, so the client sees the status.
    /// </summary>
    private async Task CloseWithAsync(NetWebSocket socket, WebSocketCloseStatus status, string? reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, _server.TimeProvider);
            await socket.CloseOutputAsync(status, statusDescription: null, timeout.Token).ConfigureAwait(false);
            if (reason is not null)
            {
                Close(reason, clientInitiated: false);
            }

            var discard = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while ((await socket.ReceiveAsync(discard.AsMemory(), timeout.Token).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(discard);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            socket.Abort();
        }
        finally
        {
            if (reason is not null)
            {
                Close(reason, clientInitiated: false);
            }
        }
    }
}
