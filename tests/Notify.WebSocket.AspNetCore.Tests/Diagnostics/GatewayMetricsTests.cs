using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Diagnostics;

/// <summary>The gateway's instruments, read from the host's own meter factory while real clients use it.</summary>
public sealed class GatewayMetricsTests
{
    [Fact]
    public async Task Meter_CountsConnectionsJoinsLeavesRefusalsAndDeliveries_ByTenant()
    {
        await using var server = await GatewayServer.StartAsync();
        var meters = server.Services.GetRequiredService<IMeterFactory>();
        using var connections = Collect(meters, "notify.websocket.gateway.connections");
        using var joins = Collect(meters, "notify.websocket.gateway.channel.joins");
        using var leaves = Collect(meters, "notify.websocket.gateway.channel.leaves");
        using var refusals = Collect(meters, "notify.websocket.gateway.refusals");
        using var notifications = Collect(meters, "notify.websocket.gateway.notifications");
        using var deliveries = Collect(meters, "notify.websocket.gateway.deliveries");

        await using (var client = await server.ConnectAsync("alice", "1"))
        {
            await using var phone = await server.ConnectAsync("alice", "1");
            await client.JoinedAsync("public.news");
            await client.LeaveAsync("public.news");
            await client.NextAsync("channel:left");
            await client.JoinAsync("admin");
            await client.NextAsync("error");
            await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "hi" });
            await client.NotificationAsync("hi");
            Assert.Equal(2, Sum(connections, "1"));
            using var groups = new MetricCollector<int>(meters, "Notify.WebSocket", "notify.websocket.gateway.presence.groups");
            groups.RecordObservableInstruments();
            Assert.Equal(2, groups.LastMeasurement?.Value); // alice's user group and the "system" channel
        }

        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => Sum(connections, "1") == 0, "both connections are counted as closed");
        Assert.Equal(3, Sum(joins, "1")); // "system" twice (the default channel), "public.news" once
        Assert.Equal(1, Sum(leaves, "1"));
        Assert.Equal(1, Sum(refusals, "1", ("notify.websocket.reason", "access_denied")));
        Assert.Equal(1, Sum(notifications, "1", ("notify.websocket.target", "user")));
        Assert.Equal(2, Sum(deliveries, "1", ("notify.websocket.target", "user")));
    }

    private static MetricCollector<long> Collect(IMeterFactory meters, string instrument) => new(meters, "Notify.WebSocket", instrument);

    private static long Sum(MetricCollector<long> collector, string tenant, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["notify.websocket.tenant"], tenant) && tags.All(t => Equals(m.Tags[t.Key], t.Value)))
            .Sum(m => m.Value);
}
