using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

public sealed class ReconnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> MessageCount(NodePeer server) => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength();

    [Fact]
    public async Task ServerRestartedOnTheSamePort_WithAcks_LosesNothing()
    {
        var log = Path.Combine(Path.GetTempPath(), "ws-ids-" + Guid.NewGuid().ToString("N"));
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--log", log);
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableAcknowledgments": true, "acknowledgmentTimeout": 30000, "defaultChannels": ["alerts"] """);
        var provider = await harness.ConnectedAsync();

        var sends = new List<Task<SendResult>>();
        for (var i = 0; i < 600; i++)
        {
            sends.Add(provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct).AsTask());
            if (i == 200)
            {
                await server.KillAsync();
            }

            if (i == 400)
            {
                await server.RestartAsync();
            }

            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.All(results, r => Assert.True(r.Success, r.Error?.Message));
        var logged = (await File.ReadAllLinesAsync(log, Ct)).ToHashSet();
        Assert.Superset(results.Select(r => r.MessageId).ToHashSet(), logged);
        var stats = await server.GetAsync("/stats");
        Assert.Contains(stats.GetProperty("rooms").EnumerateArray(), r => r.GetProperty("room").GetString() == "alerts");
        File.Delete(log);
    }

    [Fact]
    public async Task SendsWhileDisconnected_AreQueued_AndGoOutInOrderAfterReconnect()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());
        var provider = await harness.ConnectedAsync();
        await server.KillAsync();
        await Eventually.TrueAsync(() => provider.State != WebSocketConnectionState.Connected, "the provider noticed the drop");

        var queued = Enumerable.Range(0, 50).Select(i => provider.SendToUserAsync("u", new NotificationContent { Body = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Ct).AsTask()).ToList();
        Assert.All(queued, t => Assert.False(t.IsCompleted));
        await server.RestartAsync();
        var results = await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(results, r => Assert.True(r.Success));
        await Eventually.TrueAsync(async () => await MessageCount(server) == 50, "all queued messages arrived");
        var bodies = (await server.GetAsync("/stats")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("data").GetProperty("body").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), bodies);
    }

    [Fact]
    public async Task FullQueue_FailsWithQueueFull_AndACancelledSendLeavesTheQueue()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "sendQueueCapacity": 2 """);
        var provider = await harness.ConnectedAsync();
        await server.KillAsync();
        await Eventually.TrueAsync(() => provider.State != WebSocketConnectionState.Connected, "the provider noticed the drop");

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelled = provider.SendToUserAsync("u", new NotificationContent { Body = "cancelled" }, cancel.Token).AsTask();
        var kept = provider.SendToUserAsync("u", new NotificationContent { Body = "kept" }, Ct).AsTask();
        var overflow = await provider.SendToUserAsync("u", new NotificationContent { Body = "overflow" }, Ct);
        await cancel.CancelAsync();

        Assert.Equal(WebSocketErrorCodes.QueueFull, overflow.Error!.Code);
        Assert.True(overflow.Error.Retryable);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await server.RestartAsync();
        Assert.True((await kept.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Success);
        await Eventually.TrueAsync(async () => await MessageCount(server) == 1, "the kept message arrived");
        Assert.Equal("kept", (await server.GetAsync("/stats")).GetProperty("messages")[0].GetProperty("data").GetProperty("body").GetString());
    }

    [Fact]
    public async Task ZeroReconnectionAttempts_FromConfiguration_FailsAtTheDrop_WithoutReconnecting()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "reconnectionAttempts": 0, "maxReconnectionDelay": 60000 """);
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());

        await server.KillAsync();
        var failed = await transitions.NextAsync(WebSocketConnectionState.Failed, "the connection failed at the drop");

        Assert.Equal("Max reconnection attempts (0) reached", failed.Error!.Message);
        Assert.DoesNotContain(transitions.All, t => t.State == WebSocketConnectionState.Reconnecting);
    }

    [Fact]
    public async Task ExhaustedAttempts_FailTheConnection_WithBackoffDrivenByTheClock()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "reconnectionAttempts": 3, "reconnectionDelay": 1000, "maxReconnectionDelay": 3000 """, clock);
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());
        await server.KillAsync();

        var delays = new List<double>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var scheduled = await transitions.NextAsync(t => t.State == WebSocketConnectionState.Reconnecting && t.Attempt == attempt, $"attempt {attempt} was scheduled");
            delays.Add(scheduled.Delay!.Value.TotalMilliseconds);
            clock.Advance(scheduled.Delay.Value);
        }

        var failed = await transitions.NextAsync(WebSocketConnectionState.Failed, "the connection failed");
        Assert.Equal("Max reconnection attempts (3) reached", failed.Error!.Message);
        Assert.InRange(delays[0], 800, 1200);
        Assert.InRange(delays[1], 1600, 2400);
        Assert.InRange(delays[2], 2400, 3000);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Max reconnection attempts (3) reached", StringComparison.Ordinal));

        // Given up, not dead: a send is refused at once, retryable, and says when the next attempt is due.
        var send = await provider.SendToUserAsync("u", new NotificationContent(), Ct);
        Assert.Equal(WebSocketErrorCodes.ConnectionError, send.Error!.Code);
        Assert.True(send.Error.Retryable);
        Assert.StartsWith("Max reconnection attempts (3) reached", send.Error.Message, StringComparison.Ordinal);

        // The server comes back after the budget ran out: once the last attempt is maxReconnectionDelay old, the next
        // send tries again, waits for that attempt and goes out.
        await server.RestartAsync();
        clock.Advance(TimeSpan.FromMilliseconds(3000));
        var afterOutage = await provider.SendToUserAsync("u", new NotificationContent { Body = "after the outage" }, Ct);

        Assert.True(afterOutage.Success, afterOutage.Error?.Message);
        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
        await Eventually.TrueAsync(async () => await MessageCount(server) == 1, "the send after the outage arrived");
    }

    [Fact]
    public async Task ReconnectionOff_FailsAtTheFirstDrop()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        // The next attempt is due a minute after the drop (see RecoveryTests for what happens then).
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "reconnection": false, "maxReconnectionDelay": 60000 """);
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());

        await server.PostAsync("/drop");

        await transitions.NextAsync(WebSocketConnectionState.Failed, "the connection failed");
        Assert.DoesNotContain(transitions.All, t => t.State == WebSocketConnectionState.Reconnecting);
        Assert.Equal(1, (await server.GetAsync("/stats")).GetProperty("connections").GetInt32());
        Assert.Equal(WebSocketErrorCodes.ConnectionError, (await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Error!.Code);
    }

    [Fact]
    public async Task MissedPong_IsTreatedAsDead_AndReconnected()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "heartbeatInterval": 200, "heartbeatTimeout": 400 """);
        var provider = await harness.ConnectedAsync();

        await server.PostAsync("/freeze");

        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("connections").GetInt32() == 2, "the client reconnected after the missed pong", timeoutMs: 15_000);
        await Eventually.TrueAsync(() => provider.State == WebSocketConnectionState.Connected, "the provider is connected again");
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent { Body = "alive" }, Ct)).Success);
        await Eventually.TrueAsync(async () => await MessageCount(server) == 1, "the message after the reconnect arrived");
    }
}
