using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// The server's own close after a last packet (what the gateway does when a token expires: the <c>error</c> event, the
/// Socket.IO DISCONNECT, then the close) reaches the client in every transport state, mid-upgrade included: the last
/// packets, then the close, on polling in a payload of its own (socket.io-client handles a payload's packets a tick
/// after its close, and drops an event that came with it). Each ordering is forced step by step with the raw client,
/// acting as engine.io-client does (after 3probe it sends no GET and moves to the probe with <c>5</c>), on a fake clock
/// that moves only when the test moves it.
/// </summary>
public sealed class EngineIoServerCloseTests : IAsyncDisposable
{
    private const string Path = "/engine.io";
    private static readonly EngineIoSettings Settings = EngineIoSettings.Default with { PingInterval = TimeSpan.FromHours(1) };

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ConformanceHost? _host;

    private ConformanceHost Host => _host!;

    [Fact]
    public async Task MidUpgrade_AfterTheProbeWasAnswered_TheLastPacketAndTheCloseGoOutOnTheWebSocketAfterThe5()
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await ProbedAsync(client, sid);

        SendLastThenClose(sid);
        await RawEngineIo.SendTextAsync(probe, "5");

        Assert.Equal("4last", await RawEngineIo.ReceiveTextAsync(probe));
        await RawEngineIo.ClosedAsync(probe);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, probe.CloseStatus);
        Assert.False(Host.HasSession(Path, sid));
    }

    [Fact]
    public async Task MidUpgrade_TheClockJumpingPastTheUpgradeTimeout_ThenTheClose_StillReachesTheClientAfterThe5()
    {
        // The gateway's expiry test: its fake clock jumps 61 s, past the upgrade timeout, while the upgrade may be on.
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await ProbedAsync(client, sid);

        _clock.Advance(Settings.UpgradeTimeout + TimeSpan.FromSeconds(51));
        SendLastThenClose(sid);
        await RawEngineIo.SendTextAsync(probe, "5");

        Assert.Equal("4last", await RawEngineIo.ReceiveTextAsync(probe));
        await RawEngineIo.ClosedAsync(probe);
    }

    [Fact]
    public async Task MidUpgrade_TheUpgradeTimeout_DoesNotDropAnAnsweredProbe()
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await ProbedAsync(client, sid);

        _clock.Advance(Settings.UpgradeTimeout + TimeSpan.FromSeconds(1));
        await RawEngineIo.SendTextAsync(probe, "5");
        await RawEngineIo.SendTextAsync(probe, "4hello");

        Assert.Equal("4hello", await RawEngineIo.ReceiveTextAsync(probe));
        Assert.True(Host.IsUpgraded(Path, sid));
    }

    [Fact]
    public async Task MidUpgrade_AGetSentBeforeTheClientRead3probe_IsAnsweredWithNoopAtOnce_TheClockStandingStill()
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await ProbedAsync(client, sid);

        var late = await client.PollAsync(sid);
        await RawEngineIo.SendTextAsync(probe, "5");
        await RawEngineIo.SendTextAsync(probe, "4hello");

        Assert.Equal((HttpStatusCode.OK, "6"), late);
        Assert.Equal("4hello", await RawEngineIo.ReceiveTextAsync(probe));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MidUpgrade_AGetSentBeforeTheClientRead3probe_TakesTheLastPacket_ThenTheCloseComesOnTheNextGetOrAfterThe5(bool thenUpgrade)
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await ProbedAsync(client, sid);

        SendLastThenClose(sid);
        var late = await client.PollAsync(sid);

        Assert.Equal((HttpStatusCode.OK, "4last"), late);
        if (thenUpgrade)
        {
            await RawEngineIo.SendTextAsync(probe, "5");
            var (text, binary) = await RawEngineIo.ReceiveAsync(probe);
            Assert.Null(text);
            Assert.Null(binary);
        }
        else
        {
            Assert.Equal((HttpStatusCode.OK, "1"), await client.PollAsync(sid));
            await RawEngineIo.ClosedAsync(probe);
        }

        Assert.False(Host.HasSession(Path, sid));
    }

    [Fact]
    public async Task MidUpgrade_BeforeTheProbeIsAnswered_TheProbeCloses_AndTheNextGetsTakeTheLastPacketThenTheClose()
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await client.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");

        SendLastThenClose(sid);

        await RawEngineIo.ClosedAsync(probe);
        Assert.Equal(["4last", "1"], await PollUntilCloseAsync(client, sid, client.PollAsync(sid)));
    }

    [Fact]
    public async Task Polling_WhileAGetWaits_TheLastPacketThenTheCloseReachTheClient()
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        var waiting = client.PollAsync(sid);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => Host.EngineSessionWaits(sid), "the GET waits");

        SendLastThenClose(sid);

        Assert.Equal(["4last", "1"], await PollUntilCloseAsync(client, sid, waiting));
        Assert.False(Host.HasSession(Path, sid));
    }

    [Fact]
    public async Task Polling_APostWhileTheClosedSessionWaitsForItsGets_IsAnsweredOk_AndIgnored()
    {
        // The client's send crossed the server's close: the reference server answers it (its socket is "closing", still
        // known), and engine.io-client would take an HTTP 400 for a transport error, not the server's close.
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        SendLastThenClose(sid);

        Assert.Equal((HttpStatusCode.OK, "ok"), await client.PostAsync(sid, "4hello"));

        // Not echoed: the message came after the close.
        Assert.Equal(["4last", "1"], await PollUntilCloseAsync(client, sid, client.PollAsync(sid)));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(sid, "4late")).Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Polling_BetweenGets_TheNextGetsTakeWhatIsLeftThenTheClose(bool lastPacket)
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();

        var session = Host.Session(Path, sid);
        if (lastPacket)
        {
            session.Send(EngineFrame.Text("4last"u8.ToArray()));
        }

        session.CloseAfterFlush("server close");

        string[] expected = lastPacket ? ["4last", "1"] : ["1"];
        Assert.Equal(expected, await PollUntilCloseAsync(client, sid, client.PollAsync(sid)));
        Assert.False(Host.HasSession(Path, sid));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task MidUpgrade_AClientThatNeverComesBack_IsForgottenAfterOneHeartbeat_AndItsProbeClosed()
    {
        using var client = await StartAsync();
        var sid = await client.OpenPollingAsync();
        using var probe = await ProbedAsync(client, sid);

        Host.Session(Path, sid).CloseAfterFlush("server close");
        _clock.Advance(Settings.PingInterval + Settings.PingTimeout);

        Assert.False(Host.HasSession(Path, sid));
        await RawEngineIo.ClosedAsync(probe);
    }

    [Fact]
    public async Task WebSocket_TheLastPacketThenTheClose()
    {
        using var client = await StartAsync();
        var (socket, handshake) = await client.OpenWebSocketAsync();
        using var _s = socket;

        SendLastThenClose(handshake.GetProperty("sid").GetString()!);

        Assert.Equal("4last", await RawEngineIo.ReceiveTextAsync(socket));
        await RawEngineIo.ClosedAsync(socket);
    }

    [Fact]
    public async Task SocketIo_ServerDisconnectMidUpgrade_TheClientGetsTheLastEventAndTheDisconnectPacket_ThenTheClose()
    {
        using var client = await StartAsync("/socket.io");
        var sid = await ConnectSocketIoAsync(client);
        using var probe = await ProbedAsync(client, sid, "/socket.io");

        await ExpireAsync();
        await RawEngineIo.SendTextAsync(probe, "5");

        Assert.Equal("42[\"error\"]", await RawEngineIo.ReceiveTextAsync(probe));
        Assert.Equal("41", await RawEngineIo.ReceiveTextAsync(probe));
        await RawEngineIo.ClosedAsync(probe);
        Assert.False(Host.HasSession("/socket.io", sid));
    }

    [Fact]
    public async Task SocketIo_ServerDisconnectOnPolling_TheLastEventAndTheDisconnectPacket_ThenTheCloseAlone()
    {
        using var client = await StartAsync("/socket.io");
        var sid = await ConnectSocketIoAsync(client);

        await ExpireAsync();

        Assert.Equal(["42[\"error\"]\u001e41", "1"], await PollUntilCloseAsync(client, sid, client.PollAsync(sid)));
        Assert.False(Host.HasSession("/socket.io", sid));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private async Task<RawEngineIo> StartAsync(string path = Path)
    {
        _host = await ConformanceHost.StartAsync(settings: Settings, time: _clock);
        return new RawEngineIo(_host.Http, path);
    }

    /// <summary>A Socket.IO session on polling, its main namespace connected and its <c>auth</c> event received; returns the sid.</summary>
    private static async Task<string> ConnectSocketIoAsync(RawEngineIo client)
    {
        var sid = await client.OpenPollingAsync();
        Assert.Equal((HttpStatusCode.OK, "ok"), await client.PostAsync(sid, "40"));
        var received = "";
        while (!received.Contains("42[\"auth\"", StringComparison.Ordinal))
        {
            var (status, body) = await client.PollAsync(sid);
            Assert.Equal(HttpStatusCode.OK, status);
            received += body;
        }

        Assert.StartsWith("40{\"sid\":", received, StringComparison.Ordinal);
        return sid;
    }

    /// <summary>What the gateway does when a token expires: a last event, then the server's disconnect and close.</summary>
    private async Task ExpireAsync()
    {
        var socket = Assert.Single(Host.MainSockets());
        socket.Emit(w =>
        {
            w.WriteStartArray();
            w.WriteStringValue("error");
            w.WriteEndArray();
        });
        await socket.DisconnectAsync(closeConnection: true);
    }

    /// <summary>The server's side of every case here: a last packet (<c>4last</c>), then the close once it is flushed.</summary>
    private void SendLastThenClose(string sid)
    {
        var session = Host.Session(Path, sid);
        session.Send(EngineFrame.Text("4last"u8.ToArray()));
        session.CloseAfterFlush("server close");
    }

    /// <summary>
    /// Takes the session to the middle of an upgrade, as engine.io-client does: a GET waits, the probe opens, <c>2probe</c>
    /// gets <c>3probe</c> and the waiting GET gets <c>6</c>. Then the client sends no GET and its next step is <c>5</c>.
    /// </summary>
    private async Task<ClientWebSocket> ProbedAsync(RawEngineIo client, string sid, string path = Path)
    {
        var waiting = client.PollAsync(sid);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => Host.EngineSessionWaits(sid, path), "the GET waits");
        var probe = await client.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await RawEngineIo.SendTextAsync(probe, "2probe");
        Assert.Equal("3probe", await RawEngineIo.ReceiveTextAsync(probe));
        Assert.Equal((HttpStatusCode.OK, "6"), await waiting);
        return probe;
    }

    /// <summary>GETs, as a polling client does, until <c>1</c> (close) comes; returns every payload received, in order.</summary>
    private static async Task<string[]> PollUntilCloseAsync(RawEngineIo client, string sid, Task<(HttpStatusCode Status, string Body)> first)
    {
        var payloads = new List<string>();
        var next = first;
        while (true)
        {
            var (status, body) = await next;
            Assert.Equal(HttpStatusCode.OK, status);
            payloads.Add(body);
            if (body == "1" || body.EndsWith("\u001e1", StringComparison.Ordinal))
            {
                return [.. payloads];
            }

            Assert.True(payloads.Count < 10, $"no close after {string.Join(" | ", payloads)}");
            next = client.PollAsync(sid);
        }
    }
}
