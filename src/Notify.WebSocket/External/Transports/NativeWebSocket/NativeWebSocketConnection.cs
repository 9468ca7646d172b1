using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External.Transports.NativeWebSocket;

/// <summary>
/// The native WebSocket transport on <see cref="ClientWebSocket"/>, speaking the JSON envelope. Health monitoring is
/// the WebSocket protocol's own ping/pong: the runtime pings every <c>heartbeatInterval</c> and aborts the socket
/// when no pong comes within <c>heartbeatTimeout</c>, which ends the receive loop and starts a reconnect.
/// </summary>
internal sealed class NativeWebSocketConnection(
    ConnectionPoolKey key,
    WebSocketProviderOptions options,
    AuthStrategyResolver auth,
    TimeProvider timeProvider,
    ILogger logger,
    IReconnectionPolicy? policy = null,
    string? owner = null)
    : ExternalConnection(key, options, auth, timeProvider, logger, policy, owner)
{
    private const int ReceiveChunkSize = 16 * 1024;

    private readonly ArrayBufferWriter<byte> _writeBuffer = new(1024);
    private readonly ArrayBufferWriter<byte> _frame = new(ReceiveChunkSize);
    private Utf8JsonWriter? _envelopeWriter;
    private ClientWebSocket? _socket;

    protected override async Task OpenAsync(ConnectionRequest request, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in request.Headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        if (Options.EnableCompression)
        {
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        if (Options.HeartbeatInterval > 0)
        {
            socket.Options.KeepAliveInterval = TimeSpan.FromMilliseconds(Options.HeartbeatInterval);
            socket.Options.KeepAliveTimeout = TimeSpan.FromMilliseconds(Options.HeartbeatTimeout);
        }
        else
        {
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
        }

        try
        {
            await socket.ConnectAsync(ToWebSocketUri(request.BuildUri()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new ConnectException(ExternalErrors.Unauthorized((int)status), ex);
            }

            var reason = status != 0 ? $"the server answered {(int)status} {status}" : ex.GetBaseException().Message;
            throw new ConnectException(ExternalErrors.ConnectFailed(reason), ex);
        }

        Interlocked.Exchange(ref _socket, socket)?.Dispose();
    }

    protected override async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected.");
        var chunk = ArrayPool<byte>.Shared.Rent(ReceiveChunkSize);
        try
        {
            while (true)
            {
                var first = await socket.ReceiveAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (first.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                // Most frames fit one chunk: parse them where they are, without a copy.
                if (first.EndOfMessage)
                {
                    await HandleFrameAsync(chunk.AsMemory(0, first.Count)).ConfigureAwait(false);
                    continue;
                }

                _frame.ResetWrittenCount();
                var total = first.Count;
                var oversized = total > Options.MaxMessageSize;
                if (!oversized)
                {
                    _frame.Write(chunk.AsSpan(0, first.Count));
                }

                ValueWebSocketReceiveResult next;
                do
                {
                    next = await socket.ReceiveAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false);
                    if (next.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    total += next.Count;
                    if (!oversized && total > Options.MaxMessageSize)
                    {
                        // Keep reading to the end of the frame, but stop buffering it.
                        oversized = true;
                        _frame.ResetWrittenCount();
                    }
                    else if (!oversized)
                    {
                        _frame.Write(chunk.AsSpan(0, next.Count));
                    }
                }
                while (!next.EndOfMessage);

                if (oversized)
                {
                    DropFrame($"frame of {total} bytes exceeds maxMessageSize ({Options.MaxMessageSize})", "oversized");
                }
                else
                {
                    await HandleFrameAsync(_frame.WrittenMemory).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    protected override async ValueTask WriteAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new WebSocketException(System.Net.WebSockets.WebSocketError.InvalidState, "Not connected.");
        _writeBuffer.ResetWrittenCount();
        var writer = _envelopeWriter ??= new Utf8JsonWriter(_writeBuffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(_writeBuffer);
        WriteEnvelope(writer, Options.Envelope, message, TimeProvider.GetUtcNow().UtcDateTime);

        // No token: ManagedWebSocket writes straight through only for a token that cannot be cancelled. A blocked
        // write ends when the socket is aborted (a drop, or the connection's end).
        await socket.SendAsync(_writeBuffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
    }

    protected override void AbortTransport() => _socket?.Abort();

    protected override async Task CloseForReconnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async ValueTask CloseTransportAsync()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket is null)
        {
            return;
        }

        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Closing politely is a courtesy; the socket is disposed either way.
            }
        }

        socket.Dispose();
    }

    private static Uri ToWebSocketUri(Uri uri) => uri.Scheme switch
    {
        "http" => new UriBuilder(uri) { Scheme = "ws", Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri,
        "https" => new UriBuilder(uri) { Scheme = "wss", Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri,
        _ => uri,
    };

    /// <summary>Writes the JSON envelope of one message and flushes it into the writer's buffer.</summary>
    internal static void WriteEnvelope(Utf8JsonWriter writer, EnvelopeOptions envelope, OutgoingMessage message, DateTime timestamp)
    {
        writer.WriteStartObject();
        if (message.Kind == OutgoingKind.Ack)
        {
            // Our acknowledgment of the server's event, in the shape the server acknowledges ours.
            writer.WriteBoolean(envelope.Ack, true);
            writer.WriteString(envelope.Id, message.Id);
            writer.WriteEndObject();
            writer.Flush();
            return;
        }

        writer.WriteString(envelope.Event, message.EventName);
        writer.WritePropertyName(envelope.Data);
        writer.WriteRawValue(message.Data.Span, skipInputValidation: true);
        writer.WriteString(envelope.Timestamp, timestamp);
        if (message.Id is not null)
        {
            writer.WriteString(envelope.Id, message.Id);
            writer.WriteBoolean(message.Kind == OutgoingKind.Query ? envelope.RequiresResponse : envelope.RequiresAck, true);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>
    /// Decodes one frame: an acknowledgment or response (<paramref name="id"/> and <paramref name="data"/>), an event
    /// (<paramref name="incoming"/>), or something to drop. <paramref name="data"/> and <paramref name="incoming"/>
    /// outlive <paramref name="frame"/>, whose buffer is reused for the next frame.
    /// </summary>
    internal static FrameKind DecodeFrame(ReadOnlyMemory<byte> frame, EnvelopeOptions envelope, out string? id, out JsonElement data, out IncomingFrame incoming)
    {
        id = null;
        data = default;
        incoming = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException)
        {
            return FrameKind.NotJson;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return FrameKind.NotObject;
            }

            id = root.TryGetProperty(envelope.Id, out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            data = root.TryGetProperty(envelope.Data, out var dataElement) ? dataElement.Clone() : default;
            if (id is not null && (IsTrue(root, envelope.Ack) || IsTrue(root, envelope.Response)))
            {
                return FrameKind.Reply;
            }

            if (root.TryGetProperty(envelope.Event, out var eventElement) && eventElement.ValueKind == JsonValueKind.String)
            {
                var timestamp = root.TryGetProperty(envelope.Timestamp, out var ts) && ts.ValueKind == JsonValueKind.String ? ts.GetString() : null;
                incoming = new IncomingFrame(eventElement.GetString()!, data, id, timestamp, RequiresAck: id is not null && IsTrue(root, envelope.RequiresAck));
                return FrameKind.Event;
            }

            return FrameKind.Unknown;
        }
    }

    /// <summary>Handles one frame; anything that is not an acknowledgment, a response or an event is dropped, never fatal.</summary>
    private ValueTask HandleFrameAsync(ReadOnlyMemory<byte> frame)
    {
        switch (DecodeFrame(frame, Options.Envelope, out var id, out var data, out var incoming))
        {
            case FrameKind.Reply:
                CompletePending(id!, data);
                break;
            case FrameKind.Event:
                return DispatchAsync(incoming, incoming.RequiresAck ? () => AcknowledgeIncoming(incoming.Id!) : null);
            case FrameKind.NotJson:
                DropFrame("not JSON", "not-json");
                break;
            case FrameKind.NotObject:
                DropFrame("not a JSON object", "wrong-shape");
                break;
            default:
                DropFrame("neither an event, an acknowledgment nor a response", "wrong-shape");
                break;
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsTrue(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    internal enum FrameKind
    {
        NotJson,
        NotObject,
        Reply,
        Event,
        Unknown,
    }
}
