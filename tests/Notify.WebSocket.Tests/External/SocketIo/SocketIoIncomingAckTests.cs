using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Storage;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.SocketIo;

public sealed class SocketIoIncomingAckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventsEmittedWithAnAckCallback_AreAcknowledgedOnlyOnceDurable_AndKeepTheirDataIdAsMessageId()
    {
        using var spool = new GatedSpoolStore();
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = ExternalHarness.Create(
            server.HttpUrl(),
            """ "enableReceiving": true, "subscribeToEvents": ["status:update"], "messageHandling": { "strategy": "recording" } """,
            protocol: "socketio",
            builder: b => b.Services.AddSingleton<IMessageSpoolStore>(spool));
        var provider = await harness.ConnectedAsync();
        var pipeline = ((Notify.WebSocket.External.ExternalProvider)provider.Inner()).Pipeline!;
        spool.Close();

        await server.PostAsync("/control/push-with-ack", new { @event = "status:update", count = 100 });
        await Eventually.TrueAsync(() => pipeline.Pending == 100, "the events arrived and wait for the spool");
        Assert.Equal(0, await ClientAcksAsync(server));
        Assert.Empty(harness.Strategy.Handled);

        spool.Open();
        await Eventually.TrueAsync(async () => await ClientAcksAsync(server) == 100, "every event was acknowledged once durable");
        await Eventually.TrueAsync(() => harness.Strategy.Handled.Count == 100, "every event was handled");
        Assert.Equal(Enumerable.Range(0, 100).Select(n => "a-" + n).Order(), harness.Strategy.Handled.Select(m => m.Id).Order());
    }

    private static async Task<int> ClientAcksAsync(NodePeer server) =>
        (await server.GetAsync("/control/stats")).GetProperty("clientAcks").GetArrayLength();
}
