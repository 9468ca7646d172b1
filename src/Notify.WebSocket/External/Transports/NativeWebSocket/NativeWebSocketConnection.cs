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
    ILogger logger)
    : ExternalConnection(key, options, timeProvider, logger)
{
    private const int ReceiveChunkSize = 16 * 1024;

    private readonly ArrayBufferWriter<byte> _writeBuffer = new(1024);
    private readonly ArrayBufferWriter<byte> _frame = new(ReceiveChunkSize);
    private Utf8JsonWriter? _envelopeWriter;
    private ClientWebSocket? _socket;

    protected override ConnectionRequest CreateRequest() => auth.CreateRequest(Options);

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
                    HandleFrame(chunk.AsMemory(0, first.Count));
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
                    HandleFrame(_frame.WrittenMemory);
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
        var envelope = Options.Envelope;
        _writeBuffer.ResetWrittenCount();
        var writer = _envelopeWriter ??= new Utf8JsonWriter(_writeBuffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(_writeBuffer);
        writer.WriteStartObject();
        writer.WriteString(envelope.Event, message.EventName);
        writer.WritePropertyName(envelope.Data);
        writer.WriteRawValue(message.Data.Span, skipInputValidation: true);
        writer.WriteString(envelope.Timestamp, TimeProvider.GetUtcNow().UtcDateTime);
        if (message.Id is not null)
        {
            writer.WriteString(envelope.Id, message.Id);
            writer.WriteBoolean(message.Kind == OutgoingKind.Query ? envelope.RequiresResponse : envelope.RequiresAck, true);
        }

        writer.WriteEndObject();
        writer.Flush();
        await socket.SendAsync(_writeBuffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    protected override void AbortTransport() => _socket?.Abort();

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

    /// <summary>Decodes one frame: an acknowledgment, a response, or an event; anything else is dropped, never fatal.</summary>
    private void HandleFrame(ReadOnlyMemory<byte> frame)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException)
        {
            DropFrame("not JSON", "not-json");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                DropFrame("not a JSON object", "wrong-shape");
                return;
            }

            var envelope = Options.Envelope;
            var id = root.TryGetProperty(envelope.Id, out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            var data = root.TryGetProperty(envelope.Data, out var dataElement) ? dataElement.Clone() : default;
            if (id is not null && (IsTrue(root, envelope.Ack) || IsTrue(root, envelope.Response)))
            {
                CompletePending(id, data);
                return;
            }

            if (root.TryGetProperty(envelope.Event, out var eventElement) && eventElement.ValueKind == JsonValueKind.String)
            {
                var timestamp = root.TryGetProperty(envelope.Timestamp, out var ts) && ts.ValueKind == JsonValueKind.String ? ts.GetString() : null;
                Dispatch(new IncomingFrame(eventElement.GetString()!, data, id, timestamp));
                return;
            }

            DropFrame("neither an event, an acknowledgment nor a response", "wrong-shape");
        }
    }

    private static bool IsTrue(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

}
