using System.Net;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// The Engine.IO v4 protocol document, case by case (handshake, message, heartbeat, close, upgrade, on both
/// transports), against the conformance host: on <c>/engine.io</c> (an echo server) and, where the Socket.IO protocol's
/// own suite repeats them, on <c>/socket.io</c>. Ping interval 300 ms, ping timeout 200 ms, max payload 1,000,000. The
/// heartbeat's cases are in <see cref="EngineIoHeartbeatTests"/>, with the same settings on a fake clock.
/// </summary>
[Collection(TimingSensitiveTests.Name)]
public sealed class EngineIoConformanceTests(ConformanceHostFixture fixture) : IClassFixture<ConformanceHostFixture>
{
    private RawEngineIo Client(string path = "/engine.io") => new(fixture.Host.Http, path);

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Handshake_Polling_OpensASessionWithTheAnnouncedSettings(string path)
    {
        using var client = Client(path);

        var (status, body) = await client.GetAsync("EIO=4&transport=polling");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("0", body);
        var open = JsonDocument.Parse(body[1..]).RootElement;
        Assert.Equal(["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"], open.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(JsonValueKind.String, open.GetProperty("sid").ValueKind);
        Assert.Equal("[\"websocket\"]", open.GetProperty("upgrades").GetRawText());
        Assert.Equal(300, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(200, open.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, open.GetProperty("maxPayload").GetInt32());
    }

    [Theory]
    [InlineData("/engine.io", "transport=polling")]
    [InlineData("/engine.io", "EIO=abc&transport=polling")]
    [InlineData("/engine.io", "EIO=3&transport=polling")]
    [InlineData("/engine.io", "EIO=4")]
    [InlineData("/engine.io", "EIO=4&transport=abc")]
    [InlineData("/socket.io", "transport=polling")]
    [InlineData("/socket.io", "EIO=abc&transport=polling")]
    [InlineData("/socket.io", "EIO=4")]
    [InlineData("/socket.io", "EIO=4&transport=abc")]
    public async Task Handshake_WithAMissingOrWrongEioOrTransport_IsHttp400(string path, string query)
    {
        using var client = Client(path);

        var (status, _) = await client.GetAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData("/engine.io", "POST")]
    [InlineData("/engine.io", "PUT")]
    [InlineData("/socket.io", "POST")]
    [InlineData("/socket.io", "PUT")]
    public async Task Handshake_Polling_WithAnotherMethodThanGet_IsHttp400(string path, string method)
    {
        using var client = Client(path);

        var (status, _) = await client.SendAsync(new HttpMethod(method), "EIO=4&transport=polling");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Handshake_WebSocket_OpensASessionWithoutUpgrades(string path)
    {
        using var client = Client(path);

        var (socket, open) = await client.OpenWebSocketAsync();
        using var _ = socket;

        Assert.Equal(JsonValueKind.String, open.GetProperty("sid").ValueKind);
        Assert.Equal("[]", open.GetProperty("upgrades").GetRawText());
        Assert.Equal(300, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(200, open.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, open.GetProperty("maxPayload").GetInt32());
    }

    [Theory]
    [InlineData("transport=websocket")]
    [InlineData("EIO=abc&transport=websocket")]
    [InlineData("EIO=4")]
    [InlineData("EIO=4&transport=abc")]
    public async Task Handshake_WebSocket_WithAMissingOrWrongEioOrTransport_IsRefused(string query)
    {
        using var client = Client();

        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => client.ConnectAsync(query));
    }

    [Fact]
    public async Task Message_Polling_OnePlainTextPacket_IsAcceptedWithOk_AndEchoed()
    {
        using var client = Client();
        var sid = await client.OpenPollingAsync();

        var post = await client.PostAsync(sid, "4hello");
        var poll = await client.PollAsync(sid);

        Assert.Equal((HttpStatusCode.OK, "ok"), post);
        Assert.Equal((HttpStatusCode.OK, "4hello"), poll);
    }

    [Theory]
    [InlineData("4test1\u001e4test2\u001e4test3")]
    [InlineData("4hello\u001ebAQIDBA==")]
    public async Task Message_Polling_SeveralPacketsTextAndBinary_AreEchoedInOnePayload(string payload)
    {
        using var client = Client();
        var sid = await client.OpenPollingAsync();

        await client.PostAsync(sid, payload);
        var poll = await client.PollAsync(sid);

        Assert.Equal((HttpStatusCode.OK, payload), poll);
    }

    [Fact]
    public async Task Message_Polling_InvalidPacket_ClosesTheSession()
    {
        using var client = Client();
        var sid = await client.OpenPollingAsync();

        var post = await client.PostAsync(sid, "abc");
        var poll = await client.PollAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Equal(HttpStatusCode.BadRequest, poll.Status);
    }

    [Fact]
    public async Task Message_Polling_OverlappingGets_CloseTheSession_TheWaitingOneGetsClose()
    {
        using var client = Client();
        var sid = await client.OpenPollingAsync();

        var first = client.PollAsync(sid);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => fixture.Host.EngineSessionWaits(sid), "the first GET waits");
        var second = await client.GetAsync($"EIO=4&transport=polling&sid={sid}&t=burst");
        var after = await client.PollAsync(sid);

        Assert.Equal((HttpStatusCode.OK, "1"), await first);
        Assert.Equal(HttpStatusCode.BadRequest, second.Status);
        Assert.Equal(HttpStatusCode.BadRequest, after.Status);
    }

    [Fact]
    public async Task Message_WebSocket_TextAndBinary_AreEchoed()
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, "4hello");
        var text = await RawEngineIo.ReceiveTextAsync(socket);
        await RawEngineIo.SendBinaryAsync(socket, [1, 2, 3, 4]);
        var (_, binary) = await RawEngineIo.ReceiveAsync(socket);

        Assert.Equal("4hello", text);
        Assert.Equal([1, 2, 3, 4], binary);
    }

    [Fact]
    public async Task Message_WebSocket_InvalidPacket_ClosesTheConnection()
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, "abc");

        await RawEngineIo.ClosedAsync(socket);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Close_Polling_ClientClose_EndsTheWaitingGetWithNoop_AndTheSession(string path)
    {
        using var client = Client(path);
        var sid = await client.OpenPollingAsync();

        var waiting = client.PollAsync(sid);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => fixture.Host.EngineSessionWaits(sid, path), "the GET waits");
        var close = await client.PostAsync(sid, "1");

        Assert.Equal((HttpStatusCode.OK, "6"), await waiting);
        Assert.Equal(HttpStatusCode.OK, close.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PollAsync(sid)).Status);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Close_WebSocket_ClientClose_ClosesTheConnection(string path)
    {
        using var client = Client(path);
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, "1");

        await RawEngineIo.ClosedAsync(socket);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Upgrade_ProbeAndUpgrade_TheWaitingGetGetsNoop_AndMessagesFlowOnTheWebSocket(string path)
    {
        using var client = Client(path);
        var sid = await client.OpenPollingAsync();
        var waiting = client.PollAsync(sid);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => fixture.Host.EngineSessionWaits(sid, path), "the GET waits");
        using var socket = await client.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");

        await RawEngineIo.SendTextAsync(socket, "2probe");
        var probe = await RawEngineIo.ReceiveTextAsync(socket);
        var noop = await waiting;
        await RawEngineIo.SendTextAsync(socket, "5");

        Assert.Equal("3probe", probe);
        Assert.Equal((HttpStatusCode.OK, "6"), noop);
        await EchoesWhenEngineIoAsync(socket, path);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Upgrade_AfterTheUpgrade_PollingRequestsAreHttp400_AndTheWebSocketGoesOn(string path)
    {
        using var client = Client(path);
        var (sid, socket) = await UpgradedAsync(client, path);
        using var _s = socket;

        var poll = await client.PollAsync(sid);
        var post = await client.PostAsync(sid, "4late");

        Assert.Equal(HttpStatusCode.BadRequest, poll.Status);
        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        await EchoesWhenEngineIoAsync(socket, path);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Upgrade_ASecondWebSocketWithTheSameSid_IsClosed_TheFirstGoesOn(string path)
    {
        using var client = Client(path);
        var (sid, socket) = await UpgradedAsync(client, path);
        using var _s = socket;

        using var second = await client.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await RawEngineIo.ClosedAsync(second);

        await EchoesWhenEngineIoAsync(socket, path);
    }

    [Fact]
    public async Task MaxPayload_APollingBodyLargerThanIt_IsHttp413_AndClosesTheSession()
    {
        using var client = Client();
        var sid = await client.OpenPollingAsync();

        var post = await client.PostAsync(sid, "4" + new string('x', 1_000_001));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task MaxPayload_AWebSocketMessageLargerThanIt_ClosesWith1009()
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, "4" + new string('x', 1_000_001));
        await RawEngineIo.ClosedAsync(socket);

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    /// <summary>A polling session upgraded to a WebSocket (probe, 3probe, 5); returns its sid and the WebSocket.</summary>
    private async Task<(string Sid, System.Net.WebSockets.ClientWebSocket Socket)> UpgradedAsync(RawEngineIo client, string path)
    {
        var sid = await client.OpenPollingAsync();
        var socket = await client.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await RawEngineIo.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await RawEngineIo.ReceiveTextAsync(socket));
        await RawEngineIo.SendTextAsync(socket, "5");
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => fixture.Host.IsUpgraded(path, sid), "the session is on the WebSocket");
        return (sid, socket);
    }

    /// <summary>On the echo server, a message on the WebSocket comes back.</summary>
    private static async Task EchoesWhenEngineIoAsync(System.Net.WebSockets.ClientWebSocket socket, string path)
    {
        if (path == "/engine.io")
        {
            await RawEngineIo.SendTextAsync(socket, "4hello");
            Assert.Equal("4hello", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
        }
    }
}
