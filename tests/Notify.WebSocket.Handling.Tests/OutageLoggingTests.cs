using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>A sink that is down delays delivery, is counted on every attempt, and costs the log a few lines, not one per attempt.</summary>
public sealed class OutageLoggingTests
{
    [Fact]
    public async Task WebhookDown_ThousandsOfFailedAttempts_LogTheFirstWithItsException_ThenAFewCounts_AndTheRecovery()
    {
        using var files = new TempFiles();
        var down = 1;
        await using var receiver = await WebhookReceiver.StartAsync(_ => Volatile.Read(ref down) == 1 ? 500 : 200);
        await using var harness = FastRetryingCallback(receiver.Url.ToString(), files);
        using var failed = new MetricCollector("notify.websocket.incoming.failed");
        var pipeline = StartWith(harness, 2_000);

        await Eventually.TrueAsync(() => failed.Sum("notify.websocket.strategy", "callback") >= 2_000, "thousands of attempts failed", 60_000);
        Volatile.Write(ref down, 0);
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "everything was delivered once the webhook came back", 60_000);
        await pipeline.DisposeAsync();

        var warnings = harness.Logs.Lines.Where(l => l.StartsWith("Warning 4002:", StringComparison.Ordinal) || l.StartsWith("Warning 4111:", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings, l => l.StartsWith("Warning 4002:", StringComparison.Ordinal) && l.Contains(" | ", StringComparison.Ordinal));
        Assert.True(warnings.Count <= 1 + 7, $"{warnings.Count} warnings for {failed.Sum("notify.websocket.strategy", "callback")} failed attempts");
        var recovered = Assert.Single(harness.Logs.Lines, l => l.StartsWith("Information 4112:", StringComparison.Ordinal));
        Assert.Contains("callback", recovered, StringComparison.Ordinal);
        Assert.Equal(2_000, receiver.Accepted.Select(r => r.Header(Notify.WebSocket.WebhookHeaders.MessageId)).Distinct().Count());
        Assert.Empty(HttpClientLines(harness));
    }

    [Fact]
    public async Task WebhookUnreachable_ConcurrentFailures_TheFirstLineCarriesTheException_AndHttpClientLogsNothing()
    {
        using var files = new TempFiles();
        await using var harness = FastRetryingCallback($"http://127.0.0.1:{Loopback.FreePort()}/hook", files);
        using var failed = new MetricCollector("notify.websocket.incoming.failed");
        var pipeline = StartWith(harness, 1_000);

        await Eventually.TrueAsync(() => failed.Sum("notify.websocket.strategy", "callback") >= 1_000, "a thousand attempts were refused", 60_000);
        await pipeline.DisposeAsync();

        // Refused connections fail within microseconds, many at once: the race for the outage's first line is real here.
        var first = harness.Logs.Lines.First(l => l.StartsWith("Warning 41", StringComparison.Ordinal) || l.StartsWith("Warning 40", StringComparison.Ordinal));
        Assert.StartsWith("Warning 4002:", first, StringComparison.Ordinal);
        Assert.Contains("unreachable", first, StringComparison.Ordinal);
        Assert.Empty(HttpClientLines(harness));
    }

    [Fact]
    public void OutageStartingWhileTheLastReportsIntervalRuns_ItsFirstLineCarriesTheException()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var logs = new CapturingLoggerProvider();
        var outage = new StrategyOutage("callback", "7", time, logs.CreateLogger("outage"));

        outage.Failed(new HttpRequestException("500"), Messages.Create("a"));
        outage.Succeeded();
        time.Advance(TimeSpan.FromSeconds(1));
        outage.Failed(new HttpRequestException("refused"), Messages.Create("b")); // a new outage, inside the interval: held
        time.Advance(StrategyOutage.ReportInterval);
        outage.Failed(new HttpRequestException("refused"), Messages.Create("c"));

        Assert.Equal(["Warning 4002", "Information 4112", "Warning 4002"], logs.Lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
        Assert.EndsWith(" | refused", logs.Lines.Last(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The callback strategy retrying every 10 to 20 ms. A down sink gets one retry at a time (<see cref="RetryGate"/>),
    /// so the thousands of failed attempts are first attempts of thousands of messages.
    /// </summary>
    private static HandlingHarness FastRetryingCallback(string url, TempFiles files) => HandlingHarness.Create(h =>
    {
        h.Strategy = "callback";
        h.CallbackUrl = url;
        h.SpoolPath = files.Path("spool");
        h.RetryDelay = 10;
        h.MaxRetryDelay = 20;
    });

    private static IncomingPipeline StartWith(HandlingHarness harness, int messages)
    {
        var pipeline = harness.StartPipeline();
        for (var i = 0; i < messages; i++)
        {
            Assert.True(pipeline.TryEnqueue(Messages.Create("m-" + i)));
        }

        return pipeline;
    }

    private static IEnumerable<string> HttpClientLines(HandlingHarness harness) =>
        harness.Logs.LinesPerCategory.Keys.Where(c => c.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));

    [Fact]
    public void SinkFlappingRightAfterRecovery_AddsNoLines_UntilTheIntervalPasses()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var logs = new CapturingLoggerProvider();
        var outage = new StrategyOutage("callback", "7", time, logs.CreateLogger("outage"));
        var failure = new HttpRequestException("500");

        outage.Failed(failure, Messages.Create("a"));
        outage.Succeeded();
        time.Advance(TimeSpan.FromSeconds(1));
        outage.Failed(failure, Messages.Create("b")); // a request in flight at the turn came back failed
        outage.Succeeded();

        Assert.Equal(["Warning 4002", "Information 4112"], logs.Lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));

        time.Advance(StrategyOutage.ReportInterval);
        outage.Failed(failure, Messages.Create("c"));
        outage.Succeeded();

        Assert.Equal(["Warning 4002", "Information 4112", "Warning 4002", "Information 4112"], logs.Lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
    }
}
