using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

public sealed class ReceivingAndChannelTests
{
    private const string Receiving = """ "enableReceiving": true, "subscribeToEvents": ["status:update", "data:sync"], "messageHandling": { "strategy": "recording" } """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Event(string name, object data, string? id = null) =>
        id is null ? new { @event = name, data, timestamp = "2025-01-08T19:00:00.000Z" } : new { @event = name, data, id, timestamp = "2025-01-08T19:00:00.000Z" };

    [Fact]
    public async Task SubscribedEvents_ReachTheStreamAndTheStrategies_FromConnectOn()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), Receiving);
        using var received = new MetricCollector("notify.websocket.messages.received");
        using var dropped = new MetricCollector("notify.websocket.messages.dropped");
        var provider = await harness.ConnectedAsync("7");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stream = provider.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var first = stream.MoveNextAsync().AsTask();

        // Nothing has been sent: listening started at connect.
        await server.PostAsync("/push", new { frames = new[] { Event("status:update", new { ok = true }, "srv-1"), Event("not:subscribed", new { }), Event("data:sync", new { n = 2 }) } });

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal("status:update", stream.Current.Event);
        Assert.Equal("srv-1", stream.Current.Id);
        Assert.Equal("7", stream.Current.TenantId);
        Assert.True(stream.Current.Data.GetProperty("ok").GetBoolean());
        Assert.Equal("ws", stream.Current.Source.Protocol);
        Assert.Equal("2025-01-08T19:00:00.000Z", stream.Current.Metadata["serverTimestamp"]);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("data:sync", stream.Current.Event);
        await Eventually.TrueAsync(() => harness.Strategy.Handled.Count == 2, "both subscribed events reached the strategy");
        Assert.Equal(["data:sync", "status:update"], harness.Strategy.Handled.Select(m => m.Event).Order()); // the spool promises no order

        // Each event counted once, under what happened to it, on this server's endpoint.
        var endpoint = ("notify.websocket.endpoint", server.WsUrl().Authority);
        Assert.Equal(2, received.Sum(endpoint));
        Assert.Equal(1, dropped.Sum(endpoint, ("reason", "not-subscribed")));
        Assert.Equal(1, dropped.Sum(endpoint));
        await stop.CancelAsync();
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task IncomingMessageEvent_IsAlwaysReceived()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), Receiving);
        await harness.ConnectedAsync();

        await server.PostAsync("/push", new { frames = new[] { Event("message:received", new { text = "hello" }) } });

        await Eventually.TrueAsync(() => harness.Strategy.Handled.Count == 1, "message:received reached the strategy");
        Assert.Equal("hello", harness.Strategy.Handled.Single().Data.GetProperty("text").GetString());
    }

    [Fact]
    public async Task ReceivingOff_DeliversNothing()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableReceiving": false, "subscribeToEvents": ["status:update"], "messageHandling": { "strategy": "recording" } """);
        var provider = await harness.ConnectedAsync();

        await server.PostAsync("/push", new { frames = new[] { Event("status:update", new { }) } });
        var result = await provider.SendToUserAsync("u", new NotificationContent(), Ct); // a round trip after the push

        Assert.True(result.Success);
        Assert.Empty(harness.Strategy.Handled);
    }

    [Fact]
    public async Task AfterReconnects_EachEventIsHandledOnce()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), Receiving);
        var provider = await harness.ConnectedAsync();

        for (var drop = 0; drop < 3; drop++)
        {
            await server.PostAsync("/drop");
            await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("open").GetInt32() == 1 && provider.State == WebSocketConnectionState.Connected, "the provider reconnected");
        }

        await server.PostAsync("/push", new { frames = new[] { Event("status:update", new { after = "reconnects" }) } });

        await Eventually.TrueAsync(() => !harness.Strategy.Handled.IsEmpty, "the event arrived");
        var round = await provider.SendToUserAsync("u", new NotificationContent(), Ct);
        Assert.True(round.Success);
        Assert.Single(harness.Strategy.Handled);
    }

    [Fact]
    public async Task ChannelSend_CarriesTheRoom()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "supportChannelBroadcast": true """);
        var provider = await harness.ConnectedAsync();

        var result = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "Security Alert" }, Ct);

        Assert.True(result.Success);
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 1, "the broadcast arrived");
        var message = (await server.GetAsync("/stats")).GetProperty("messages")[0];
        Assert.Equal("channel:broadcast", message.GetProperty("event").GetString());
        Assert.Equal("alerts", message.GetProperty("data").GetProperty("_room").GetString());
        Assert.Equal("alerts", message.GetProperty("data").GetProperty("recipient").GetProperty("channel").GetString());
    }

    [Fact]
    public async Task DefaultChannels_AreJoinedOnConnect_AndAfterEveryReconnect()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "defaultChannels": ["alerts", "system"] """);
        var provider = await harness.ConnectedAsync();
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("rooms").GetArrayLength() == 2, "both channels were joined");

        await server.PostAsync("/drop");
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("rooms").GetArrayLength() == 4, "both channels were joined again");

        var rooms = (await server.GetAsync("/stats")).GetProperty("rooms").EnumerateArray().Select(r => (r.GetProperty("event").GetString(), r.GetProperty("room").GetString())).ToList();
        Assert.Equal(2, rooms.Count(r => r == ("join_room", "alerts")));
        Assert.Equal(2, rooms.Count(r => r == ("join_room", "system")));
        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
    }
}
