using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionInstruments_CountReconnectsAcksAndReceivedEvents_AndReportState()
    {
        var totals = new ConcurrentDictionary<string, long>();
        var states = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == "Notify.WebSocket")
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => totals.AddOrUpdate(i.Name, v, (_, old) => old + v));
        listener.SetMeasurementEventCallback<int>((i, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "notify.websocket.state")
                {
                    states.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();

        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableAcknowledgments": true, "enableReceiving": true, "subscribeToEvents": ["tick"] """);
        var provider = await harness.ConnectedAsync();

        Assert.True((await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Success);
        await server.PostAsync("/drop");
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("open").GetInt32() == 1 && provider.State == WebSocketConnectionState.Connected, "reconnected");
        await server.PostAsync("/push", new { frames = new[] { new { @event = "tick", data = 1 } } });
        await Eventually.TrueAsync(() => totals.GetValueOrDefault("notify.websocket.messages.received") >= 1, "the event was counted");
        listener.RecordObservableInstruments();

        Assert.True(totals.GetValueOrDefault("notify.websocket.messages.acknowledged") >= 1);
        Assert.True(totals.GetValueOrDefault("notify.websocket.connection.reconnects") >= 1);
        Assert.True(totals.GetValueOrDefault("notify.websocket.messages.sent") >= 1);
        Assert.Contains("Connected", states);
    }
}
