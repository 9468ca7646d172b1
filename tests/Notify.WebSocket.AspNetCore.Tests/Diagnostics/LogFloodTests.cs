using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.Diagnostics;

/// <summary>A flood of refusals costs a bounded number of log lines, while metrics count every refusal.</summary>
public sealed class LogFloodTests(ITestOutputHelper output)
{
    private const int Flood = 1_000;

    [Fact]
    public async Task RefusedChannelRequests_FromOneConnection_AreLoggedOncePerInterval_AndAllCounted()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await GatewayServer.StartAsync(gateway: o => o.ChannelRequestPermitLimit = null, logs: logs);
        using var refusals = new MetricCollector<long>(server.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Notify.WebSocket", "notify.websocket.gateway.refusals");
        await using var client = await NodeSignalRClient.StartAsync(server.HubUrl, TestTokens.For("mallory", "1"));
        Assert.True(client.Started);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Flood; i++)
        {
            await client.JoinAsync("admin");
        }

        for (var i = 0; i < Flood; i++)
        {
            await client.EventAsync("error", b => b.GetProperty("code").GetString() == "CHANNEL_ACCESS_DENIED");
        }

        clock.Stop();
        var refusalLines = logs.Lines.Count(l => l.Contains(" 3004:", StringComparison.Ordinal));
        output.WriteLine($"{Flood} refused joins in {clock.ElapsedMilliseconds} ms: {refusalLines} refusal log line(s), {logs.Lines.Count(l => l.StartsWith("Warning", StringComparison.Ordinal))} warning(s) in all");

        // One line per 10-second interval; the flood takes well under that on any machine this runs on.
        Assert.InRange(refusalLines, 1, 1 + (int)(clock.Elapsed.TotalSeconds / 10));
        Assert.Equal(Flood, refusals.GetMeasurementSnapshot().Where(m => Equals(m.Tags["notify.websocket.reason"], "access_denied")).Sum(m => m.Value));
    }

    [Fact]
    public async Task RefusedSends_OfOneTenant_AreLoggedOncePerInterval_OnTheGatewayAndProviderSides()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await GatewayServer.StartAsync(
            gateway: o =>
            {
                o.TenantSendPermitLimit = 1;
                o.TenantSendWindow = TimeSpan.FromMinutes(10);
            },
            logs: logs);
        var provider = await server.ProviderAsync("1");

        var clock = Stopwatch.StartNew();
        var refused = 0;
        for (var i = 0; i < 3 * Flood; i++)
        {
            var result = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "flood" });
            refused += result.Error?.Code == WebSocketErrorCodes.RateLimited ? 1 : 0;
        }

        clock.Stop();
        var gatewayLines = logs.Lines.Count(l => l.Contains(" 3006:", StringComparison.Ordinal));
        var providerLines = logs.Lines.Count(l => l.Contains(" 1002:", StringComparison.Ordinal));
        output.WriteLine($"{refused} refused sends in {clock.ElapsedMilliseconds} ms: {gatewayLines} gateway line(s), {providerLines} provider line(s)");

        Assert.Equal(3 * Flood - 1, refused);
        Assert.InRange(gatewayLines, 1, 1 + (int)(clock.Elapsed.TotalSeconds / 10));
        Assert.InRange(providerLines, 1, 1 + (int)clock.Elapsed.TotalSeconds);
    }

    [Fact]
    public async Task RefusalsNotLogged_AreSummedUpWhenTheConnectionCloses()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await GatewayServer.StartAsync(gateway: o => o.ChannelRequestPermitLimit = null, logs: logs);
        await using (var client = await server.ConnectAsync("mallory", "1"))
        {
            for (var i = 0; i < 5; i++)
            {
                await client.JoinAsync("admin");
                await client.NextAsync("error");
            }
        }

        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => logs.Lines.Any(l => l.Contains(" 3005:", StringComparison.Ordinal)), "the closing summary is logged");

        Assert.Contains(logs.Lines, l => l.Contains(" 3005:", StringComparison.Ordinal) && l.Contains("closed with 4 refusals not logged", StringComparison.Ordinal));
    }
}
