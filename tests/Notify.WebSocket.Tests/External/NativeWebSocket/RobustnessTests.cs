using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

public sealed class RobustnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MalformedAndOversizedFrames_AreDroppedAndCounted_AndTheConnectionStaysUp_AndTheLogAccountsForEveryOne()
    {
        using var dropped = new MetricCollector("notify.websocket.messages.dropped");
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await FloodedAsync(server, clock);
        var provider = await harness.ConnectedAsync();

        Assert.Equal("alive", Assert.Single(harness.Strategy.Handled).Data.GetProperty("still").GetString());
        // Every frame counted under its reason; the log gets the first and then a line per interval with the count, not 1,000.
        var endpoint = ("notify.websocket.endpoint", server.WsUrl().Authority);
        Assert.Equal(250, dropped.Sum(endpoint, ("reason", "oversized")));
        Assert.Equal(250, dropped.Sum(endpoint, ("reason", "not-json")));
        Assert.Equal(500, dropped.Sum(endpoint, ("reason", "wrong-shape")));
        Assert.Equal(1, (await server.GetAsync("/stats")).GetProperty("connections").GetInt32());
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Success);

        // The first of each kind at once, each kind's held-back count once the interval is over: no line per frame, and
        // no kind left out because another came first.
        var first = Warnings(harness);
        Assert.Equal(3, first.Count);
        Assert.Contains(first, l => l.Contains("exceeds maxMessageSize", StringComparison.Ordinal));
        Assert.Contains(first, l => l.Contains(": not JSON (1 dropped", StringComparison.Ordinal));
        Assert.Contains(first, l => l.Contains("not a JSON object", StringComparison.Ordinal) || l.Contains("neither an event", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => Warnings(harness).Sum(DroppedCount) == 1000, "the log's counts add up to every dropped frame");
        Assert.Equal(6, Warnings(harness).Count);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(6, Warnings(harness).Count);
    }

    [Fact]
    public async Task DropsHeldBackWhenTheConnectionCloses_GetAClosingLine()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var harness = await FloodedAsync(server, new FakeTimeProvider(DateTimeOffset.UtcNow));

        await harness.DisposeAsync(); // within the interval: the clock never moved

        Assert.Equal(1000, Warnings(harness).Sum(DroppedCount));
        Assert.Equal(6, Warnings(harness).Count);
    }

    /// <summary>A receiving connection sent 1,000 bad frames (250 oversized, 250 not JSON, 500 of the wrong shape), then one good event, which has arrived.</summary>
    private static async Task<ExternalHarness> FloodedAsync(NodePeer server, FakeTimeProvider clock)
    {
        var harness = ExternalHarness.Create(server.WsUrl(), """
             "enableReceiving": true, "subscribeToEvents": ["status"], "messageHandling": { "strategy": "recording" }, "maxMessageSize": 65536
            """, clock);
        await harness.ConnectedAsync();
        await server.PostAsync("/malformed", new { count = 1000, size = 100_000 });
        await server.PostAsync("/push", new { frames = new[] { new { @event = "status", data = new { still = "alive" } } } });
        await Eventually.TrueAsync(() => !harness.Strategy.Handled.IsEmpty, "the valid event after the flood arrived", timeoutMs: 30_000);
        return harness;
    }

    private static List<string> Warnings(ExternalHarness harness) =>
        [.. harness.Logs.Lines.Where(l => l.StartsWith("Warning 3007:", StringComparison.Ordinal))];

    private static int DroppedCount(string line)
    {
        var end = line.IndexOf(" dropped since the last report", StringComparison.Ordinal);
        var start = line.LastIndexOf('(', end) + 1;
        return int.Parse(line.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task SendsFromManyThreads_AllArrive()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());
        var provider = await harness.ConnectedAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            var ok = 0;
            for (var i = 0; i < 125; i++)
            {
                ok += (await provider.SendToUserAsync("u", new NotificationContent { Body = $"{t}:{i}" }, Ct)).Success ? 1 : 0;
            }

            return ok;
        }, Ct)));

        Assert.Equal(2000, results.Sum());
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 2000, "all 2000 arrived");
        var bodies = (await server.GetAsync("/stats")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("data").GetProperty("body").GetString()).ToHashSet();
        Assert.Equal(2000, bodies.Count);
    }

    [Fact]
    public async Task ProvidersWithTheSamePoolKey_ShareOneSocket_AndTheLastReleaseClosesIt()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "bearer", "authToken": "shared" """);
        var tenantOne = await harness.ConnectedAsync("1");
        var tenantTwo = await harness.ConnectedAsync("2");
        Assert.NotSame(tenantOne, tenantTwo);
        Assert.Equal(1, (await server.GetAsync("/stats")).GetProperty("open").GetInt32());

        var configuration = harness.Services.GetRequiredService<ITenantConfigurationService>();
        await configuration.UpdateProviderConfigAsync("1", o => o.AuthToken = "rotated", Ct);
        await harness.ConnectedAsync("1");
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("open").GetInt32() == 2, "tenant 1 has its own socket with the new token");

        await configuration.UpdateProviderConfigAsync("2", o => o.AuthToken = "rotated", Ct);
        await harness.ConnectedAsync("2");
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("open").GetInt32() == 1, "the old socket closed with its last lease");
        Assert.Equal(1, harness.Registry.PooledConnectionCount);

        await harness.Registry.DisposeAsync();
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("open").GetInt32() == 0, "disposing the registry closed everything");
    }
}
