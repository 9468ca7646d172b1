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
    private bool _stopping;

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

    /// <summary>Closes every session (the host is stopping): their clients see the transport close and reconnect elsewhere or later.</summary>
    public void CloseAll(string reason)
    {
        Volatile.Write(ref _stopping, true);
        foreach (var session in _sessions.Values)
        {
            session.CloseAfterFlush(reason);
        }
    }

    /// <summary>A session by id (for tests and diagnostics).</summary>
    public EngineIoSession? Find(string sid) => _sessions.GetValueOrDefault(sid);

    /// <summary>Handles one request to the endpoint (not an async method: a WebSocket's request lives as long as it does, and so would its state).</summary>
    public Task HandleAsync(HttpContext context)
    {
        // The query string is read in place: ASP.NET Core's query collection would stay with the connection.
        var query = context.Request.QueryString.Value;
        if (!QueryParameters.Is(query, "EIO", "4"))
        {
            return RefuseAsync(context, EngineIoError.UnsupportedProtocolVersion);
        }

        var isWebSocket = Settings.AllowWebSocket && QueryParameters.Is(query, "transport", "websocket");
        var isPolling = !isWebSocket && Settings.AllowPolling && QueryParameters.Is(query, "transport", "polling");
        if (!isWebSocket && !isPolling)
        {
            return RefuseAsync(context, EngineIoError.UnknownTransport);
        }

        var sid = QueryParameters.Get(query, "sid");
        if (sid is null && Volatile.Read(ref _stopping))
        {
            // Shutting down: no new sessions (the client retries, and finds this instance gone or back).
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }

        if (isWebSocket)
        {
            return HandleWebSocketAsync(context, sid);
        }

        if (sid is null)
        {
            return HttpMethods.IsGet(context.Request.Method) ? OpenPollingAsync(context) : RefuseAsync(context, EngineIoError.BadHandshakeMethod);
        }

        if (!_sessions.TryGetValue(sid, out var session))
        {
            return RefuseAsync(context, EngineIoError.UnknownSid);
        }

        return HttpMethods.IsGet(context.Request.Method) ? session.PollAsync(context)
            : HttpMethods.IsPost(context.Request.Method) ? session.PostAsync(context)
            : RefuseAsync(context, EngineIoError.BadRequest);
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
        catch (Exception ex) when (ex is not OperationCanceledException || !session.IsClosed)
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
        var session = new EngineIoSession(this, NewId(), socket: null);
        await OpenAsync(session, context).ConfigureAwait(false);
        var body = Handshake(session.Id, _pollingHandshakeTail);
        context.Response.ContentType = TextContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private Task HandleWebSocketAsync(HttpContext context, string? sid)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return RefuseAsync(context, EngineIoError.BadRequest);
        }

        if (sid is null)
        {
            var session = new EngineIoSession(this, NewId(), socket: null);
            return session.ServeWebSocketAsync(context, upgrade: false, Handshake(session.Id, _webSocketHandshakeTail));
        }

        return _sessions.TryGetValue(sid, out var existing)
            ? existing.ServeWebSocketAsync(context, upgrade: true, handshake: null)
            : RefuseAsync(context, EngineIoError.UnknownSid);
    }

    /// <summary>Registers a new session, lets the handler see its opening request, and starts its heartbeat.</summary>
    public async Task OpenAsync(EngineIoSession session, HttpContext context)
    {
        _sessions[session.Id] = session;
        Diagnostics.SessionOpened();
        await _handler.OnOpenAsync(session, context).ConfigureAwait(false);
        session.StartHeartbeat();
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
