using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>
/// An Engine.IO v4 server at one path: the handshake, long-polling GET/POST, WebSocket sessions and the upgrade from
/// polling, with the session table. Requests with a missing or wrong <c>EIO</c> or <c>transport</c>, an unknown
/// <c>sid</c> or the wrong method get HTTP 400 with the reference server's error body.
/// </summary>
internal sealed class EngineIoServer
{
    public const string TextContentType = "text/plain; charset=UTF-8";

    private readonly ConcurrentDictionary<string, EngineIoSession> _sessions = new(StringComparer.Ordinal);
    private readonly IEngineIoHandler _handler;
    private readonly byte[] _pollingHandshakeTail;
    private readonly byte[] _webSocketHandshakeTail;

    public EngineIoServer(EngineIoSettings settings, IEngineIoHandler handler, TimeProvider timeProvider, SocketIoDiagnostics diagnostics)
    {
        Settings = settings;
        _handler = handler;
        TimeProvider = timeProvider;
        Diagnostics = diagnostics;
        _pollingHandshakeTail = HandshakeTail(settings, settings.AllowWebSocket ? ["websocket"] : []);
        _webSocketHandshakeTail = HandshakeTail(settings, []);
    }

    public EngineIoSettings Settings { get; }

    public TimeProvider TimeProvider { get; }

    public SocketIoDiagnostics Diagnostics { get; }

    /// <summary>Open sessions.</summary>
    public int Count => _sessions.Count;

    /// <summary>Handles one request to the endpoint.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["EIO"] is not [var version] || !string.Equals(version, "4", StringComparison.Ordinal))
        {
            await RefuseAsync(context, EngineIoError.UnsupportedProtocolVersion).ConfigureAwait(false);
            return;
        }

        var transport = query["transport"] is [var t] ? t : null;
        var isWebSocket = string.Equals(transport, "websocket", StringComparison.Ordinal) && Settings.AllowWebSocket;
        var isPolling = string.Equals(transport, "polling", StringComparison.Ordinal) && Settings.AllowPolling;
        if (!isWebSocket && !isPolling)
        {
            await RefuseAsync(context, EngineIoError.UnknownTransport).ConfigureAwait(false);
            return;
        }

        var sid = query["sid"] is [var s] ? s : null;
        if (isWebSocket)
        {
            await HandleWebSocketAsync(context, sid).ConfigureAwait(false);
            return;
        }

        if (sid is null)
        {
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                await RefuseAsync(context, EngineIoError.BadHandshakeMethod).ConfigureAwait(false);
                return;
            }

            await OpenPollingAsync(context).ConfigureAwait(false);
            return;
        }

        if (!_sessions.TryGetValue(sid, out var session))
        {
            await RefuseAsync(context, EngineIoError.UnknownSid).ConfigureAwait(false);
        }
        else if (HttpMethods.IsGet(context.Request.Method))
        {
            await session.PollAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            await session.PostAsync(context).ConfigureAwait(false);
        }
        else
        {
            await RefuseAsync(context, EngineIoError.BadRequest).ConfigureAwait(false);
        }
    }

    /// <summary>Answers a refused request with HTTP 400 and the reference server's error body.</summary>
    public static Task RefuseAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Passes a message to the handler; a handler that throws closes the session.</summary>
    public async ValueTask DispatchAsync(EngineIoSession session, ReadOnlyMemory<byte> data, bool isBinary)
    {
        try
        {
            await _handler.OnMessageAsync(session, data, isBinary).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !session.Closed.IsCancellationRequested)
        {
            Diagnostics.HandlerFailed(ex, session.Id);
            session.Close("server error", clientInitiated: false);
        }
    }

    public void Remove(EngineIoSession session) => _sessions.TryRemove(KeyValuePair.Create(session.Id, session));

    public void OnClosed(EngineIoSession session, string reason)
    {
        Diagnostics.SessionClosed();
        _handler.OnClose(session, reason);
    }

    private async Task OpenPollingAsync(HttpContext context)
    {
        var session = await OpenAsync(context, socket: null).ConfigureAwait(false);
        var body = Handshake(session.Id, _pollingHandshakeTail);
        context.Response.ContentType = TextContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task HandleWebSocketAsync(HttpContext context, string? sid)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, EngineIoError.BadRequest).ConfigureAwait(false);
            return;
        }

        if (sid is not null)
        {
            if (!_sessions.TryGetValue(sid, out var existing))
            {
                await RefuseAsync(context, EngineIoError.UnknownSid).ConfigureAwait(false);
                return;
            }

            // As the reference server: the upgrade is accepted, and closed at once if the session cannot take it.
            using var probe = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await existing.UpgradeAsync(probe).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var session = await OpenAsync(context, socket).ConfigureAwait(false);
        session.Send(EngineFrame.Text(Handshake(session.Id, _webSocketHandshakeTail)));
        await session.RunWebSocketAsync(socket).ConfigureAwait(false);
    }

    private async Task<EngineIoSession> OpenAsync(HttpContext context, System.Net.WebSockets.WebSocket? socket)
    {
        var session = new EngineIoSession(this, NewId(), socket);
        _sessions[session.Id] = session;
        Diagnostics.SessionOpened();
        await _handler.OnOpenAsync(session, context).ConfigureAwait(false);
        session.StartHeartbeat();
        return session;
    }

    /// <summary>20 characters of base64url from 15 random bytes, as the reference server's ids.</summary>
    private static string NewId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    private static byte[] Handshake(string sid, byte[] tail)
    {
        // 0{"sid":"<sid>", + tail
        var head = "0{\"sid\":\""u8;
        var body = new byte[head.Length + sid.Length + 2 + tail.Length];
        head.CopyTo(body);
        var at = head.Length;
        foreach (var c in sid)
        {
            body[at++] = (byte)c;
        }

        body[at++] = (byte)'"';
        body[at++] = (byte)',';
        tail.CopyTo(body, at);
        return body;
    }

    private static byte[] HandshakeTail(EngineIoSettings settings, string[] upgrades)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("upgrades"u8);
            foreach (var upgrade in upgrades)
            {
                writer.WriteStringValue(upgrade);
            }

            writer.WriteEndArray();
            writer.WriteNumber("pingInterval"u8, (long)settings.PingInterval.TotalMilliseconds);
            writer.WriteNumber("pingTimeout"u8, (long)settings.PingTimeout.TotalMilliseconds);
            writer.WriteNumber("maxPayload"u8, settings.MaxPayload);
            writer.WriteEndObject();
        }

        // Without the opening brace: it follows the sid.
        return buffer.ToArray()[1..];
    }
}
