using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Tests.TestSupport;
using HealthStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus;

namespace Notify.WebSocket.Tests.External;

/// <summary>A connection that gave up is not dead: it comes back when the server does, never in a tight loop.</summary>
public sealed class RecoveryTests
{
    private const string Receiving = """ "enableReceiving": true, "subscribeToEvents": ["status:update"], "reconnectionAttempts": 1, "reconnectionDelay": 20, "maxReconnectionDelay": 300 """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Protocols => ["ws", "socketio"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task OutageLongerThanTheReconnectionBudget_WithAReceiver_ComesBackByItself_AndIsUnhealthyMeanwhile(string protocol)
    {
        await using var server = await NodePeer.StartAsync(protocol == "ws" ? "ws-server.mjs" : "socketio-server.mjs");
        await using var harness = ExternalHarness.Create(protocol == "ws" ? server.WsUrl() : server.HttpUrl(), Receiving, protocol: protocol);
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());
        var health = new WebSocketProvidersHealthCheck(harness.Registry);
        var stream = provider.ReceiveAsync(Ct).GetAsyncEnumerator(Ct);

        await server.KillAsync();
        var failed = await transitions.NextAsync(WebSocketConnectionState.Failed, "the reconnection budget ran out");
        Assert.Equal("Max reconnection attempts (1) reached", failed.Error!.Message);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new(), Ct)).Status);

        await server.RestartAsync();
        await transitions.NextAsync(WebSocketConnectionState.Connected, "the connection came back by itself");

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new(), Ct)).Status);
        if (protocol == "ws")
        {
            await server.PostAsync("/push", new { frames = new[] { new { @event = "status:update", data = new { back = true } } } });
        }
        else
        {
            await server.PostAsync("/control/push", new { events = new[] { new { @event = "status:update", data = new { back = true } } } });
        }

        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.True(stream.Current.Data.GetProperty("back").GetBoolean());
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task AuthRefusal_IsRetriedNoFasterThanMaxReconnectionDelay_AndRecoversOnceTheServerAcceptsTheToken()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "the-servers-token");
        await using var harness = ExternalHarness.Create(server.WsUrl(), Receiving + """, "authType": "bearer", "authToken": "our-token" """);
        var provider = await harness.ProviderAsync();
        using var transitions = new TransitionRecorder(provider.Connection());

        var refused = await provider.ValidateAsync(Ct);
        Assert.Equal(WebSocketErrorCodes.AuthError, refused.Error!.Code);
        Assert.Equal("WebSocket error: 401 Unauthorized", refused.Error.Message);
        var send = await provider.SendToUserAsync("u", new NotificationContent(), Ct);
        Assert.Equal(WebSocketErrorCodes.AuthError, send.Error!.Code);
        Assert.True(send.Error.Retryable);

        // Refused again at the recovery pace (300 ms), never in a tight loop: 3 more refusals take at least 600 ms.
        var clock = Stopwatch.StartNew();
        var before = await RejectedAsync(server);
        await Eventually.TrueAsync(async () => await RejectedAsync(server) >= before + 3, "three more attempts were refused");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(600), $"three refused attempts took only {clock.Elapsed.TotalMilliseconds:0} ms");

        // The server now accepts our token: the next attempt connects.
        await server.KillAsync();
        await server.RestartAsync("--auth-bearer", "our-token");
        await transitions.NextAsync(WebSocketConnectionState.Connected, "the connection recovered with the accepted token");
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent { Body = "accepted" }, Ct)).Success);
    }

    [Fact]
    public async Task ReconnectionOff_AfterADrop_TheNextSendReconnects_OnceMaxReconnectionDelayHasPassed()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "reconnection": false, "maxReconnectionDelay": 2000 """, clock);
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());

        await server.PostAsync("/drop");
        await transitions.NextAsync(WebSocketConnectionState.Failed, "the connection failed at the drop");

        var tooEarly = await provider.SendToUserAsync("u", new NotificationContent { Body = "too early" }, Ct);
        Assert.Equal(WebSocketErrorCodes.ConnectionError, tooEarly.Error!.Code);
        Assert.True(tooEarly.Error.Retryable);
        Assert.Contains("tries again in 2 s", tooEarly.Error.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMilliseconds(2000));
        var later = await provider.SendToUserAsync("u", new NotificationContent { Body = "later" }, Ct);

        Assert.True(later.Success, later.Error?.Message);
        Assert.Equal(2, (await server.GetAsync("/stats")).GetProperty("connections").GetInt32());
    }

    private static async Task<int> RejectedAsync(NodePeer server) => (await server.GetAsync("/stats")).GetProperty("rejected").GetInt32();
}
