using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.External;
using Notify.WebSocket.Storage;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

/// <summary>
/// Against the real ws server streaming events that ask for acknowledgments: nothing is acknowledged before it is
/// durable, and a full queue holds the socket back instead of dropping.
/// </summary>
public sealed class IncomingDurabilityTests
{
    private const int Total = 3_000;
    private const string Receiving = """ "enableReceiving": true, "subscribeToEvents": ["status:update"], "messageHandling": { "strategy": "recording", "queueCapacity": 50 } """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhileTheSpoolCannotWrite_NothingIsAcknowledgedOrHandled_TheQueueHoldsTheSocketBack_AndNothingIsDropped()
    {
        using var spool = new GatedSpoolStore();
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--stream", Total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = ExternalHarness.Create(server.WsUrl(), Receiving, builder: b => b.Services.AddSingleton<IMessageSpoolStore>(spool));
        using var dropped = new MetricCollector("notify.websocket.messages.dropped");
        spool.Close();
        var provider = await harness.ConnectedAsync();
        var pipeline = ((ExternalProvider)provider.Inner()).Pipeline!;

        // The queue fills and the receive loop waits: the server has sent more than the queue holds, none acknowledged.
        await Eventually.TrueAsync(() => pipeline.Pending >= 50, "the incoming queue filled up");
        var stalled = await StreamAsync(server);
        Assert.Equal(0, stalled.Acks);
        Assert.Empty(harness.Strategy.Handled);

        spool.Open();
        await Eventually.TrueAsync(async () => await StreamAsync(server) is { Sent: Total, Unacked: 0 }, "every event was acknowledged once durable", 30_000);
        await Eventually.TrueAsync(() => harness.Strategy.Handled.Select(m => m.Id).Distinct().Count() == Total, "every event was handled");
        Assert.Equal(0, dropped.Sum("reason", "handling-queue-full"));
        Assert.Equal(Total, (await StreamAsync(server)).Acks);
    }

    [Fact]
    public async Task WhenQueueFullIsDrop_RefusedEventsAreCountedAndNotAcknowledged_SoTheServerSendsThemAgainAfterAReconnect()
    {
        using var spool = new GatedSpoolStore();
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--stream", Total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = ExternalHarness.Create(server.WsUrl(), Receiving.Replace("\"queueCapacity\": 50", "\"queueCapacity\": 50, \"whenQueueFull\": \"drop\"", StringComparison.Ordinal), builder: b => b.Services.AddSingleton<IMessageSpoolStore>(spool));
        using var dropped = new MetricCollector("notify.websocket.messages.dropped");
        spool.Close();
        var provider = await harness.ConnectedAsync();
        var pipeline = ((ExternalProvider)provider.Inner()).Pipeline!;

        await Eventually.TrueAsync(() => dropped.Sum("reason", "handling-queue-full") > 0, "events were dropped");
        spool.Open();
        await Eventually.TrueAsync(async () => (await StreamAsync(server)).Sent == Total && pipeline.Pending == 0, "the server sent the whole stream and the queue drained", 30_000);

        // Dropped events were never acknowledged: each new connection gets them again (a burst that may overflow the small
        // queue once more, so it can take a few), until everything is acknowledged and handled.
        Assert.True((await StreamAsync(server)).Unacked > 0);
        for (var reconnect = 0; reconnect < 30 && (await StreamAsync(server)).Unacked > 0; reconnect++)
        {
            var connections = (await server.GetAsync("/stats")).GetProperty("connections").GetInt32();
            await server.PostAsync("/drop");
            await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("connections").GetInt32() > connections, "the provider reconnected");
            await Eventually.TrueAsync(() => provider.State == WebSocketConnectionState.Connected && pipeline.Pending == 0, "the resent burst was taken or dropped");
        }

        Assert.Equal(0, (await StreamAsync(server)).Unacked);
        await Eventually.TrueAsync(() => harness.Strategy.Handled.Select(m => m.Id).Distinct().Count() == Total, "every event was handled");

        // A refused event is counted as dropped for that reason alone: not as received, not as an event nobody subscribed to.
        var endpoint = ("notify.websocket.endpoint", server.WsUrl().Authority);
        Assert.True(dropped.Sum(endpoint, ("reason", "handling-queue-full")) > 0);
        Assert.Equal(0, dropped.Sum(endpoint, ("reason", "not-subscribed")));
        Assert.Equal(dropped.Sum(endpoint), dropped.Sum(endpoint, ("reason", "handling-queue-full")));
    }

    private static async Task<(int Sent, int Unacked, int Acks)> StreamAsync(NodePeer server)
    {
        var stream = (await server.GetAsync("/stats")).GetProperty("stream");
        return (stream.GetProperty("sent").GetInt32(), stream.GetProperty("unacked").GetInt32(), stream.GetProperty("acks").GetInt32());
    }
}
