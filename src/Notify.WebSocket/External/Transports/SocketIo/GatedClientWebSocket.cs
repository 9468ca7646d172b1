using System.Net;
using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using SocketIOClient.Transport;

namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// The websocket SocketIOClient talks through. Owning it lets the transport: hold the <see cref="FrameGate"/> while
/// the library processes each frame, negotiate permessage-deflate (the library's own socket cannot), drop oversized
/// frames and frames the library cannot parse without losing the connection, and watch for activity.
/// </summary>
internal sealed class GatedClientWebSocket(
    FrameGate gate,
    ActivityMonitor activity,
    WebSocketProviderOptions options,
    Action<string, string> drop,
    OwnAckHandler ownAck,
    Action<int> refused,
    CancellationToken abandoned) : IClientWebSocket
{
    private const int ChunkSize = 16 * 1024;

    private readonly ClientWebSocket _socket = CreateSocket(options);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _packet = new(1024);
    private readonly FrameSubject<string> _text = new();
    private readonly FrameSubject<byte[]> _bytes = new();
    private readonly ArrayBufferWriter<byte> _frame = new(ChunkSize);

    public IObservable<string> TextObservable => _text;

    public IObservable<byte[]> BytesObservable => _bytes;

    public async Task ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException) when (_socket.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            refused((int)_socket.HttpStatusCode);
            throw;
        }

        _ = Task.Run(ListenAsync, CancellationToken.None);
    }

    public Task DisconnectAsync(CancellationToken cancellationToken) =>
        _socket.State == WebSocketState.Open
            ? _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cancellationToken)
            : Task.CompletedTask;

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>The library's own sends (connect packet, pongs, joins): serialized with ours, since a socket takes one send at a time.</summary>
    public async Task SendAsync(byte[] bytes, TransportMessageType type, bool endOfMessage, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, type == TransportMessageType.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Writes an EVENT packet ourselves (see <see cref="SocketIoPacketWriter"/>). <paramref name="cancellationToken"/>
    /// bounds the wait for the socket; the write itself ends when the socket is aborted, which its session does when it
    /// is abandoned, and the connection when it ends.
    /// </summary>
    public async ValueTask SendEventAsync(string? @namespace, int? ackId, string eventName, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!_sendLock.Wait(0, cancellationToken))
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            _packet.ResetWrittenCount();
            SocketIoPacketWriter.WriteEvent(_packet, @namespace, ackId, eventName, data.Span);

            // Given a token that can be cancelled, ManagedWebSocket takes its slow path on every send (an async method,
            // a registration on the token, the execution context captured); with none it writes straight through.
            await _socket.SendAsync(_packet.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void AddHeader(string key, string val) => _socket.Options.SetRequestHeader(key, val);

    public void Abort() => _socket.Abort();

    public void Dispose()
    {
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private static ClientWebSocket CreateSocket(WebSocketProviderOptions options)
    {
        var socket = new ClientWebSocket();

        // Engine.IO has its own ping/pong; the ActivityMonitor watches it.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;

        // A refused upgrade (401/403 from the server or a proxy in front of it) is an auth error, not a dropped connection.
        socket.Options.CollectHttpResponseDetails = true;
        if (options.EnableCompression)
        {
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        return socket;
    }

    private async Task ListenAsync()
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                _frame.ResetWrittenCount();
                var total = 0;
                var oversized = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(chunk.AsMemory(), abandoned).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _text.OnError(new WebSocketException("The server closed the connection."));
                        return;
                    }

                    total += result.Count;
                    oversized |= total > options.MaxMessageSize;
                    if (!oversized)
                    {
                        _frame.Write(chunk.AsSpan(0, result.Count));
                    }
                }
                while (!result.EndOfMessage);

                activity.Touch();
                if (oversized)
                {
                    drop($"frame of {total} bytes exceeds maxMessageSize ({options.MaxMessageSize})", "oversized");
                    continue;
                }

                // Acks of the packets we wrote ourselves are ours to complete, straight from the bytes: the library
                // never saw their ids, so they need neither the gate nor a string.
                if (result.MessageType == WebSocketMessageType.Text
                    && SocketIoPacketWriter.TryReadAckHeader(_frame.WrittenSpan, out var ackId, out var argumentsStart)
                    && ownAck(ackId, _frame.WrittenSpan[argumentsStart..]))
                {
                    continue;
                }

                await DeliverAsync(result.MessageType).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _text.OnError(ex as WebSocketException ?? new WebSocketException("The connection was abandoned.", ex));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async Task DeliverAsync(WebSocketMessageType type)
    {
        await gate.EnterAsync(abandoned).ConfigureAwait(false);
        try
        {
            if (type == WebSocketMessageType.Text)
            {
                var text = Encoding.UTF8.GetString(_frame.WrittenSpan);
                activity.Observe(text);
                _text.OnNext(text);
            }
            else
            {
                _bytes.OnNext(_frame.WrittenSpan.ToArray());
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The library throws on frames it cannot parse; one bad frame must not end the connection.
            drop("the Socket.IO client could not process a frame: " + ex.GetType().Name, "malformed");
        }
        finally
        {
            gate.Exit();
        }
    }
}
