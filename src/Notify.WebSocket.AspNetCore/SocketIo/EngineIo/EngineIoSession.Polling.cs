using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using NetWebSocket = System.Net.WebSockets.WebSocket;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>The long-polling side of a session: one GET that waits for packets, one POST that delivers them.</summary>
internal sealed partial class EngineIoSession
{
    private TaskCompletionSource<PollSignal>? _poll;
    private bool _posting;

    /// <summary>Whether a long-polling GET is waiting for packets.</summary>
    public bool IsPollWaiting
    {
        get
        {
            lock (_gate)
            {
                return _poll is not null;
            }
        }
    }

    /// <summary>
    /// A GET: answers at once with the waiting packets (or <c>6</c> during an upgrade), else waits for packets, an
    /// upgrade or the close. A second GET while one waits breaks the protocol: the session closes (the waiting GET gets
    /// <c>1</c>) and the second gets HTTP 400. After an upgrade, GETs get 400 and the session goes on. On a session the
    /// server closed after a flush, a GET takes what is left, and the next one <c>1</c>.
    /// </summary>
    public async Task PollAsync(HttpContext context)
    {
        EngineFrame[]? last = null;
        var ended = false;
        NetWebSocket? probe = null;
        ITimer? timer = null;
        lock (_gate)
        {
            if (_lingering && _queue is { Count: > 0 } rest)
            {
                // What is left; the close comes alone, on the next GET (or on the WebSocket after a "5").
                last = [.. rest];
                rest.Clear();
            }
            else if (_lingering)
            {
                // Mid-upgrade too: the client has not paused its polling (it sends no GET after it did), so the close
                // goes out here and the probe is closed.
                _lingering = false;
                ended = true;
                _queue = null;
                last = [EngineFrame.Close];
                probe = TakeProbe();
                timer = TakeTimer();
            }
        }

        if (last is not null)
        {
            if (ended)
            {
                EndLinger(probe, timer);
            }

            await WritePayloadAsync(context, last).ConfigureAwait(false);
            return;
        }

        if (!CheckAlive())
        {
            await EngineIoServer.RefuseAsync(context, EngineIoError.UnknownSid).ConfigureAwait(false);
            return;
        }

        TaskCompletionSource<PollSignal>? waiter = null;
        EngineFrame[]? frames = null;
        var duplicate = false;
        var upgraded = false;
        lock (_gate)
        {
            if (_socket is not null)
            {
                upgraded = true;
            }
            else if (_poll is not null)
            {
                duplicate = true;
            }
            else if (_upgrading)
            {
                // Probed, not yet upgraded: this GET left the client before it read 3probe. It gets noop at once (what
                // waits goes out on the WebSocket): the client pauses polling once this GET is answered and only then
                // sends its "5", so waiting here for the "5" could only delay the upgrade.
                frames = [EngineFrame.Noop];
            }
            else if (_queue is { Count: > 0 } queue)
            {
                frames = [.. queue];
                queue.Clear();
            }
            else
            {
                waiter = _poll = new TaskCompletionSource<PollSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (upgraded || duplicate)
        {
            await RefuseAsync(context, duplicate ? "overlapping GET requests" : null).ConfigureAwait(false);
            return;
        }

        if (waiter is not null)
        {
            PollSignal signal;
            using (context.RequestAborted.Register(static s => ((TaskCompletionSource<PollSignal>)s!).TrySetResult(PollSignal.Noop), waiter))
            {
                signal = await waiter.Task.ConfigureAwait(false);
            }

            lock (_gate)
            {
                if (_poll == waiter)
                {
                    _poll = null;
                }

                if (signal != PollSignal.Noop && _queue is { Count: > 0 } queue)
                {
                    frames = [.. queue];
                    queue.Clear();
                }
            }

            if (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away with the request: what it would have received goes out on its next GET.
                RequeueFront(frames);
                return;
            }

            frames = signal switch
            {
                PollSignal.Noop => [EngineFrame.Noop],
                PollSignal.Close => [.. frames ?? [], EngineFrame.Close],
                _ => frames ?? [EngineFrame.Noop],
            };
        }

        await WritePayloadAsync(context, frames!).ConfigureAwait(false);
    }

    /// <summary>
    /// A POST: reads the body (at most <c>maxHttpBufferSize</c> bytes, else HTTP 413 and the session closes), decodes
    /// its packets (a malformed body: HTTP 400 and the session closes), handles them in order and answers <c>ok</c>.
    /// Overlapping POSTs break the protocol: the session closes.
    /// </summary>
    public async Task PostAsync(HttpContext context)
    {
        // Closed by the server and waiting for the GETs that take its last packets and the close: a POST that crossed the
        // close is answered "ok" and its packets are dropped, as the reference server does while its socket is closing
        // (engine.io-client would take a 400 for a transport error instead of the server's close).
        bool lingering;
        lock (_gate)
        {
            lingering = _isClosed && _lingering;
        }

        if (!lingering && !CheckAlive())
        {
            await EngineIoServer.RefuseAsync(context, EngineIoError.UnknownSid).ConfigureAwait(false);
            return;
        }

        bool upgraded, duplicate;
        lock (_gate)
        {
            upgraded = _socket is not null;
            duplicate = !upgraded && _posting;
            _posting |= !upgraded;
        }

        if (upgraded || duplicate)
        {
            await RefuseAsync(context, duplicate ? "overlapping POST requests" : null).ConfigureAwait(false);
            return;
        }

        try
        {
            await ReadAndHandleAsync(context, discard: lingering).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _posting = false;
            }
        }
    }

    private async Task ReadAndHandleAsync(HttpContext context, bool discard)
    {
        var max = _server.Settings.MaxPayload;
        if (context.Request.ContentLength > max)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > max)
            {
                reader.AdvanceTo(read.Buffer.Start);
                await TooLargeAsync(context).ConfigureAwait(false);
                return;
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var length = (int)read.Buffer.Length;
        var body = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            read.Buffer.CopyTo(body);
            reader.AdvanceTo(read.Buffer.End);
            if (!discard && !await HandlePayloadAsync(body.AsMemory(0, length)).ConfigureAwait(false))
            {
                if (!IsClosed)
                {
                    Close("malformed polling payload", clientInitiated: false);
                }

                await EngineIoServer.RefuseAsync(context, EngineIoError.BadRequest).ConfigureAwait(false);
                return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }

        context.Response.ContentType = EngineIoServer.TextContentType;
        context.Response.ContentLength = 2;
        await context.Response.Body.WriteAsync(PollingPayload.Ok, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<bool> HandlePayloadAsync(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            _server.Diagnostics.ProtocolError("empty polling payload", Id);
            return false;
        }

        while (!body.IsEmpty)
        {
            var end = body.Span.IndexOf(EngineIoPacketType.RecordSeparator);
            var packet = end < 0 ? body : body[..end];
            body = end < 0 ? ReadOnlyMemory<byte>.Empty : body[(end + 1)..];
            if (!packet.IsEmpty && packet.Span[0] == EngineIoPacketType.Base64Binary)
            {
                if (!PollingPayload.TryDecodeBase64(packet.Span[1..], out var bytes))
                {
                    _server.Diagnostics.ProtocolError("invalid base64 in polling payload", Id);
                    return false;
                }

                packet = bytes;
                if (!await OnPacketAsync(packet, isBinary: true).ConfigureAwait(false))
                {
                    return false;
                }

                continue;
            }

            if (!await OnPacketAsync(packet, isBinary: false).ConfigureAwait(false))
            {
                // A client's close packet ends the session cleanly: that is not a malformed body.
                return IsClosed && packet.Length == 1 && packet.Span[0] == EngineIoPacketType.Close;
            }
        }

        return true;
    }

    /// <summary>
    /// HTTP 400 for a polling request the session cannot take: after the upgrade (the session goes on), or one that
    /// overlaps another of its kind (a protocol error: the session closes).
    /// </summary>
    private Task RefuseAsync(HttpContext context, string? protocolError)
    {
        if (protocolError is not null)
        {
            _server.Diagnostics.ProtocolError(protocolError, Id);
            Close(protocolError, clientInitiated: false);
        }

        return EngineIoServer.RefuseAsync(context, EngineIoError.BadRequest);
    }

    private async Task TooLargeAsync(HttpContext context)
    {
        _server.Diagnostics.ProtocolError("polling payload larger than maxHttpBufferSize", Id);
        Close("payload too large", clientInitiated: false);
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.Headers.Connection = "close";
        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    private void RequeueFront(EngineFrame[]? frames)
    {
        if (frames is not { Length: > 0 })
        {
            return;
        }

        lock (_gate)
        {
            if (_isClosed && !_lingering)
            {
                return;
            }

            var rest = _queue is { Count: > 0 } queue ? queue.ToArray() : [];
            var restored = Queue;
            restored.Clear();
            foreach (var frame in frames)
            {
                restored.Enqueue(frame);
            }

            foreach (var frame in rest)
            {
                restored.Enqueue(frame);
            }
        }
    }

    private static Task WritePayloadAsync(HttpContext context, EngineFrame[] frames)
    {
        var body = PollingPayload.Encode(frames);
        context.Response.ContentType = EngineIoServer.TextContentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
