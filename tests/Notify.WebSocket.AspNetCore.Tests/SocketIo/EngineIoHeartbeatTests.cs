using System.Net;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// The Engine.IO v4 heartbeat (the protocol document's "Heartbeat"), on both transports and both endpoints of the
/// conformance host, with the suites' 300 ms interval and 200 ms timeout on a fake clock that moves only when the test
/// moves it: the ping comes exactly one interval after the open (or the last pong), a pong keeps the session, and a
/// session whose pong does not come closes exactly one timeout after the ping.
/// </summary>
public sealed class EngineIoHeartbeatTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = ConformanceHost.PingInterval;
    private static readonly TimeSpan PongTimeout = ConformanceHost.PingTimeout;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ConformanceHost? _host;

    private ConformanceHost Host => _host!;

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Polling_EachPingComesOneIntervalAfterTheOpenOrThePong_PongsKeepTheSession(string path)
    {
        using var client = await StartAsync(path);
        var sid = await client.OpenPollingAsync();

        for (var i = 0; i < 3; i++)
        {
            var poll = client.PollAsync(sid);
            await Notify.WebSocket.Testing.Eventually.TrueAsync(() => Host.EngineSessionWaits(sid, path), "the GET waits");

            // A ping answers the waiting GET at once: one tick before the interval it still waits. That is past the pong
            // timeout since the last pong, which therefore kept the session.
            _clock.Advance(Interval - Tick);
            Assert.True(Host.EngineSessionWaits(sid, path));
            _clock.Advance(Tick);
            Assert.Equal((HttpStatusCode.OK, "2"), await poll);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(sid, "3")).Status);
        }

        Assert.True(Host.HasSession(path, sid));
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task Polling_WithoutAPong_TheSessionClosesOneTimeoutAfterThePing(string path)
    {
        using var client = await StartAsync(path);
        var sid = await client.OpenPollingAsync();
        var poll = client.PollAsync(sid);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => Host.EngineSessionWaits(sid, path), "the GET waits");

        _clock.Advance(Interval);
        Assert.Equal((HttpStatusCode.OK, "2"), await poll);
        _clock.Advance(PongTimeout - Tick);
        Assert.True(Host.HasSession(path, sid));
        _clock.Advance(Tick);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !Host.HasSession(path, sid), "the session is closed for the missing pong");

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PollAsync(sid)).Status);
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task WebSocket_EachPingComesOneIntervalAfterTheOpenOrThePong_PongsKeepTheConnection(string path)
    {
        using var client = await StartAsync(path);
        var (socket, handshake) = await client.OpenWebSocketAsync();
        using var _s = socket;
        var sid = handshake.GetProperty("sid").GetString()!;

        var session = Host.Session(path, sid);
        for (var i = 0; i < 3; i++)
        {
            // One tick before the interval no ping went out. That is past the pong timeout since the last pong, which
            // therefore kept the connection.
            _clock.Advance(Interval - Tick);
            Assert.False(session.AwaitingPong);
            _clock.Advance(Tick);
            Assert.Equal("2", await RawEngineIo.ReceiveTextAsync(socket));
            Assert.True(session.AwaitingPong);
            await RawEngineIo.SendTextAsync(socket, "3");

            // The server reads the WebSocket on its own: the clock must not move before it has the pong.
            await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !session.AwaitingPong, "the pong is handled");
        }

        Assert.True(Host.HasSession(path, sid));
    }

    [Theory]
    [InlineData("/engine.io")]
    [InlineData("/socket.io")]
    public async Task WebSocket_WithoutAPong_TheConnectionClosesOneTimeoutAfterThePing(string path)
    {
        using var client = await StartAsync(path);
        var (socket, handshake) = await client.OpenWebSocketAsync();
        using var _s = socket;
        var sid = handshake.GetProperty("sid").GetString()!;

        _clock.Advance(Interval);
        Assert.Equal("2", await RawEngineIo.ReceiveTextAsync(socket));
        _clock.Advance(PongTimeout - Tick);
        Assert.True(Host.HasSession(path, sid));
        _clock.Advance(Tick);

        await RawEngineIo.ClosedAsync(socket);
        Assert.False(Host.HasSession(path, sid));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private async Task<RawEngineIo> StartAsync(string path)
    {
        _host = await ConformanceHost.StartAsync(time: _clock);
        return new RawEngineIo(_host.Http, path);
    }
}
