using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.SocketIo;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// The small host the protocol documents describe for their test suites: an Engine.IO server at <c>/engine.io/</c>
/// that echoes every message, and a Socket.IO server at <c>/socket.io/</c> whose namespaces <c>/</c> and
/// <c>/custom</c> emit <c>auth</c> with the handshake payload on connect, echo <c>message</c> as <c>message-back</c>,
/// and acknowledge <c>message-with-ack</c> with its arguments. Ping interval 300 ms, ping timeout 200 ms, max payload
/// 1,000,000 bytes, connect timeout 1 s.
/// </summary>
internal sealed class ConformanceHost : IAsyncDisposable
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(200);

    private readonly WebApplication _app;
    private SocketIoNamespace _main = null!;

    private ConformanceHost(WebApplication app, EngineIoServer engineIo, EngineIoServer socketIo)
    {
        _app = app;
        EngineIoEngine = engineIo;
        SocketIoEngine = socketIo;
        var uri = new Uri(app.Urls.First());
        Port = uri.Port;
    }

    public int Port { get; }

    public Uri Http => new($"http://127.0.0.1:{Port}");

    public Uri Ws => new($"ws://127.0.0.1:{Port}");

    public EngineIoServer SocketIoEngine { get; }

    public EngineIoServer EngineIoEngine { get; }

    public bool HasSession(string path, string sid) => Engine(path).Find(sid) is not null;

    public bool EngineSessionWaits(string sid, string path = "/engine.io") => Engine(path).Find(sid)?.IsPollWaiting == true;

    public bool IsUpgraded(string path, string sid) => Engine(path).Find(sid)?.IsWebSocket == true;

    /// <summary>An open session, for a test that acts as the server (sends, closes).</summary>
    public EngineIoSession Session(string path, string sid) => Engine(path).Find(sid) ?? throw new InvalidOperationException($"no session {sid} on {path}");

    /// <summary>The sockets connected to the main namespace.</summary>
    public SocketIoSocket[] MainSockets() => _main.Rooms.All;

    private EngineIoServer Engine(string path) => path == "/socket.io" ? SocketIoEngine : EngineIoEngine;

    /// <summary>Starts the host; dispose it when done.</summary>
    /// <param name="port">0 for any free port.</param>
    /// <param name="settings">The Engine.IO settings of both servers; the suites' short heartbeat when null.</param>
    /// <param name="time">The servers' clock (a fake one moves only when the test moves it); the system clock when null.</param>
    public static async Task<ConformanceHost> StartAsync(int port = 0, EngineIoSettings? settings = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder();
        // The official suites ask for localhost:3000, which Node may resolve to ::1: listen on both loopbacks then.
        builder.WebHost.UseUrls(port == 0 ? "http://127.0.0.1:0" : $"http://localhost:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        settings ??= EngineIoSettings.Default with { PingInterval = PingInterval, PingTimeout = PingTimeout, MaxPayload = 1_000_000 };
        time ??= TimeProvider.System;
        var diagnostics = SocketIoDiagnostics.None;

        var echo = new EngineIoServer(settings, new EchoHandler(), time, diagnostics);
        EngineIoEndpoint.Map(app, "/engine.io", echo);
        var main = new ReferenceNamespace("/", echo: true);
        var socketIo = new SocketIoServer(
            [main, new ReferenceNamespace("/custom", echo: false)],
            SocketIoServerSettings.Default with { ConnectTimeout = TimeSpan.FromSeconds(1) },
            time,
            diagnostics);
        var engine = new EngineIoServer(settings, socketIo, time, diagnostics);
        EngineIoEndpoint.Map(app, "/socket.io", engine);
        await app.StartAsync();
        return new ConformanceHost(app, echo, engine) { _main = main };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Writes a JSON value as it was received (no re-escaping), as the reference server's JSON.stringify would.</summary>
    public static void WriteRaw(Utf8JsonWriter writer, JsonElement element) =>
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);

    private sealed class EchoHandler : IEngineIoHandler
    {
        public ValueTask OnOpenAsync(EngineIoSession session, HttpContext request) => ValueTask.CompletedTask;

        public ValueTask OnMessageAsync(EngineIoSession session, ReadOnlyMemory<byte> data, bool isBinary)
        {
            if (isBinary)
            {
                session.Send(EngineFrame.Binary(data.ToArray()));
            }
            else
            {
                var packet = new byte[data.Length + 1];
                packet[0] = EngineIoPacketType.Message;
                data.Span.CopyTo(packet.AsSpan(1));
                session.Send(EngineFrame.Text(packet));
            }

            return ValueTask.CompletedTask;
        }

        public void OnClose(EngineIoSession session, string reason)
        {
        }
    }

    private sealed class ReferenceNamespace(string name, bool echo) : SocketIoNamespace(name)
    {
        public override async ValueTask OnConnectAsync(SocketIoSocket socket, JsonElement? auth)
        {
            socket.Accept();
            var payload = auth?.Clone();

            // The suite reads each frame with a listener added after the previous frame's promise resolved, so two
            // frames that arrive in one TCP read lose the second. The reference server writes one frame per write (its
            // WebSocket transport waits for each write to drain); Kestrel coalesces writes made back to back. The
            // reference handler's emit therefore goes out a moment after the CONNECT answer.
            await Task.Delay(10);
            socket.Emit(w =>
            {
                w.WriteStartArray();
                w.WriteStringValue("auth");
                if (payload is { } a)
                {
                    WriteRaw(w, a);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }

        public override ValueTask OnEventAsync(SocketIoSocket socket, SocketIoEvent message)
        {
            if (!echo)
            {
                return ValueTask.CompletedTask;
            }

            var arguments = message.Arguments.ToArray();
            if (message.Is("message"))
            {
                socket.Emit(
                    w =>
                    {
                        w.WriteStartArray();
                        w.WriteStringValue("message-back");
                        foreach (var argument in arguments)
                        {
                            WriteRaw(w, argument);
                        }

                        w.WriteEndArray();
                    },
                    message.Attachments);
            }
            else if (message.Is("message-with-ack") && message.AckId is { } id)
            {
                socket.Ack(
                    id,
                    w =>
                    {
                        w.WriteStartArray();
                        foreach (var argument in arguments)
                        {
                            WriteRaw(w, argument);
                        }

                        w.WriteEndArray();
                    },
                    message.Attachments);
            }

            return ValueTask.CompletedTask;
        }
    }
}
