using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.SocketIo;

public sealed class SocketIoMessagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExternalHarness Harness(NodePeer server, string extra = "", TimeProvider? time = null) =>
        ExternalHarness.Create(server.HttpUrl(), extra, time, protocol: "socketio");

    [Fact]
    public async Task CustomEvents_NameTheEvents()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, """ "supportChannelBroadcast": true, "customEvents": { "notification": "notify", "channelBroadcast": "room:broadcast" } """);
        var provider = await harness.ConnectedAsync();

        await provider.SendToUserAsync("user-1", new NotificationContent { Subject = "Order Shipped" }, Ct);
        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "Security Alert" }, Ct);

        await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("messages").GetArrayLength() == 2, "both arrived");
        var messages = (await server.GetAsync("/control/stats")).GetProperty("messages");
        Assert.Equal("notify", messages[0].GetProperty("event").GetString());
        Assert.Equal("Order Shipped", messages[0].GetProperty("data").GetProperty("subject").GetString());
        Assert.Equal("room:broadcast", messages[1].GetProperty("event").GetString());
        Assert.Equal("alerts", messages[1].GetProperty("data").GetProperty("_room").GetString());
    }

    [Fact]
    public async Task ManyAckedSendsAndQueriesInFlight_Repeatedly_NeverCrash()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, """ "enableAcknowledgments": true, "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        for (var round = 0; round < 10; round++)
        {
            var sends = Enumerable.Range(0, 64).Select(i => provider.SendToUserAsync("u", new NotificationContent { Body = $"{round}:{i}" }, Ct).AsTask());
            var queries = Enumerable.Range(0, 64).Select(i => provider.QueryAsync(new QueryRequest("user:info", new { n = i }), Ct).AsTask());
            var sent = await Task.WhenAll(sends);
            var answers = await Task.WhenAll(queries);

            Assert.All(sent, r => Assert.True(r.Success, r.Error?.Message));
            Assert.Equal(Enumerable.Range(0, 64), answers.Select(a => a.GetProperty("echo").GetProperty("n").GetInt32()));
        }

        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
    }

    [Fact]
    public async Task Query_UsesTheAckCallback_AsTheSpecsServerExample()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, """ "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        var info = await provider.QueryAsync(new QueryRequest("user:info", new { userId = "12345" }) { Timeout = TimeSpan.FromSeconds(10) }, Ct);

        Assert.Equal("user:info", info.GetProperty("event").GetString());
        Assert.Equal("12345", info.GetProperty("echo").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Query_WhoseCallbackIsCalledWithNoArgument_IsJsonNull()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, """ "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        var response = await provider.QueryAsync(new QueryRequest("user:info", new { noData = true }) { Timeout = TimeSpan.FromSeconds(10) }, Ct);

        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.ValueKind);
        Assert.Equal("null", response.GetRawText());
    }

    [Fact]
    public async Task ServerThatNeverAcks_TimesOutAckAndQuery_ByOurClock()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--no-ack");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = Harness(server, """ "enableAcknowledgments": true, "acknowledgmentTimeout": 2000, "enableRequestResponse": true, "requestTimeout": 3000, "heartbeatInterval": 0 """, clock);
        var provider = await harness.ConnectedAsync();

        var send = provider.SendToUserAsync("u", new NotificationContent(), Ct).AsTask();
        var query = provider.QueryAsync(new QueryRequest("user:info"), Ct).AsTask();
        await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("received").GetInt32() == 2, "both reached the server");
        clock.Advance(TimeSpan.FromSeconds(3));

        var result = await send.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(WebSocketErrorCodes.Timeout, result.Error!.Code);
        Assert.True(result.Error.Retryable);
        var ex = await Assert.ThrowsAsync<WebSocketNotificationException>(() => query.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(WebSocketErrorCodes.Timeout, ex.Code);
    }

    [Fact]
    public async Task SubscribedAndIncomingMessageEvents_ReachThePipelineFromConnect_OnceAfterReconnects()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, """ "enableReceiving": true, "subscribeToEvents": ["status:update"], "messageHandling": { "strategy": "recording" } """);
        var provider = await harness.ConnectedAsync();

        await server.PostAsync("/control/push", new { events = new object[] { new { @event = "status:update", data = new { v = 1 } }, new { @event = "message:received", data = new { v = 2 } }, new { @event = "other", data = new { v = 3 } } } });
        await Eventually.TrueAsync(() => harness.Strategy.Handled.Count == 2, "the two subscribed events arrived");
        Assert.Equal(["message:received", "status:update"], harness.Strategy.Handled.Select(m => m.Event).Order()); // the spool promises no order
        Assert.All(harness.Strategy.Handled, m => Assert.Equal("socketio", m.Source.Protocol));

        for (var drop = 0; drop < 3; drop++)
        {
            await server.PostAsync("/control/drop");
            await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("connections").GetInt32() == drop + 2 && provider.State == WebSocketConnectionState.Connected, "reconnected");
        }

        Assert.Equal(1, (await server.GetAsync("/control/stats")).GetProperty("open").GetInt32());
        await server.PostAsync("/control/push", new { events = new[] { new { @event = "status:update", data = new { v = 4 } } } });
        await Eventually.TrueAsync(() => harness.Strategy.Handled.Count >= 3, "the event after the reconnects arrived");
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Success);
        Assert.Equal(3, harness.Strategy.Handled.Count);
    }

    [Fact]
    public async Task DefaultChannels_AreJoinedOnConnectAndAfterReconnect_EvenWhenTheServerNeverAcks()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--no-ack");
        await using var harness = Harness(server, """ "defaultChannels": ["alerts", "system"] """);
        var provider = await harness.ConnectedAsync();
        await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("rooms").GetArrayLength() == 2, "joined both");

        await server.PostAsync("/control/drop");

        await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("rooms").GetArrayLength() == 4, "joined both again");
        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
    }

    [Fact]
    public async Task ServerRestartedMidStream_WithAcks_LosesNothing_AndKeepsOneSocket()
    {
        var log = Path.Combine(Path.GetTempPath(), "sio-ids-" + Guid.NewGuid().ToString("N"));
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--log", log);
        await using var harness = Harness(server, """ "enableAcknowledgments": true, "acknowledgmentTimeout": 30000, "defaultChannels": ["alerts"] """);
        var provider = await harness.ConnectedAsync();

        var sends = new List<Task<SendResult>>();
        for (var i = 0; i < 300; i++)
        {
            sends.Add(provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct).AsTask());
            if (i == 100)
            {
                await server.KillAsync();
            }

            if (i == 200)
            {
                await server.RestartAsync();
            }
        }

        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.All(results, r => Assert.True(r.Success, r.Error?.Message));
        Assert.Superset(results.Select(r => r.MessageId).ToHashSet(), (await File.ReadAllLinesAsync(log, Ct)).ToHashSet());
        var stats = await server.GetAsync("/control/stats");
        Assert.Equal(1, stats.GetProperty("open").GetInt32());
        Assert.Contains(stats.GetProperty("rooms").EnumerateArray(), r => r.GetProperty("room").GetString() == "alerts");
        File.Delete(log);
    }

    [Fact]
    public async Task HungServer_IsDetectedByTheHeartbeat_AndReconnected()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--ping-interval", "300", "--ping-timeout", "300");
        await using var harness = Harness(server, """ "transports": ["websocket"] """);
        var provider = await harness.ConnectedAsync();

        await server.SuspendAsync();
        await Eventually.TrueAsync(() => provider.State != WebSocketConnectionState.Connected, "the hung connection was noticed");
        await server.ResumeAsync();

        await Eventually.TrueAsync(() => provider.State == WebSocketConnectionState.Connected, "reconnected after the server resumed", timeoutMs: 20_000);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("No heartbeat from", StringComparison.Ordinal));
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Success);
    }

    [Fact]
    public async Task OversizedEvents_AreDroppedAndCounted_AndTheConnectionStaysUp()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, """ "transports": ["websocket"], "maxMessageSize": 10000, "enableReceiving": true, "subscribeToEvents": ["status"], "messageHandling": { "strategy": "recording" } """);
        var provider = await harness.ConnectedAsync();

        var big = new string('x', 50_000);
        await server.PostAsync("/control/push", new { events = Enumerable.Range(0, 200).Select(_ => new { @event = "status", data = (object)big }).Append(new { @event = "status", data = (object)"small" }) });

        await Eventually.TrueAsync(() => !harness.Strategy.Handled.IsEmpty, "the small event arrived");
        Assert.Equal("small", Assert.Single(harness.Strategy.Handled).Data.GetString());
        Assert.Equal(1, (await server.GetAsync("/control/stats")).GetProperty("connections").GetInt32());
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Success);
    }

    [Fact]
    public async Task SendsWhileDisconnected_AreQueued_AndDeliveredInOrder()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server);
        var provider = await harness.ConnectedAsync();
        await server.KillAsync();
        await Eventually.TrueAsync(() => provider.State != WebSocketConnectionState.Connected, "noticed the drop");

        var queued = Enumerable.Range(0, 30).Select(i => provider.SendToUserAsync("u", new NotificationContent { Body = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Ct).AsTask()).ToList();
        await server.RestartAsync();
        Assert.All(await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(30), Ct), r => Assert.True(r.Success));

        await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("messages").GetArrayLength() == 30, "all arrived");
        var bodies = (await server.GetAsync("/control/stats")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("data").GetProperty("body").GetString());
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), bodies);
    }
}
