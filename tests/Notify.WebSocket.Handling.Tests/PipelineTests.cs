using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class PipelineTests
{
    [Fact]
    public async Task All_OneStrategyFailing_DoesNotStopTheOthers_AndOnlyTheFailedOneIsRetried()
    {
        using var files = new TempFiles();
        var good = new TestStrategy("good");
        var flaky = new TestStrategy("flaky", (_, attempt) => attempt > 2);
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "all"; h.SpoolPath = files.Path("spool"); },
            strategies: [good, flaky]);
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("m-all"));
        await Eventually.TrueAsync(() => !flaky.Handled.IsEmpty, "the flaky strategy succeeded on its third attempt");
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the message left the spool");
        await pipeline.DisposeAsync();

        Assert.Equal(1, good.Attempts);
        Assert.Equal(3, flaky.Attempts);
        Assert.Single(good.Handled);
    }

    [Fact]
    public async Task DisposedWithPendingEntries_ANewPipelineOnTheSameSpool_DeliversAllOfThem_AndOnlyToStrategiesNotYetDone()
    {
        using var files = new TempFiles();
        var spool = files.Path("restart/spool");
        var done = new TestStrategy("done");
        var down = new TestStrategy("down", (_, _) => false);
        await using (var first = HandlingHarness.Create(
            h => { h.Strategy = "all"; h.SpoolPath = spool; },
            strategies: [done, down]))
        {
            var pipeline = first.StartPipeline();
            for (var i = 0; i < 50; i++)
            {
                pipeline.TryEnqueue(Messages.Create("m-" + i));
            }

            await Eventually.TrueAsync(() => done.Handled.Count == 50 && down.Attempts >= 50, "every message was tried once");
            await pipeline.DisposeAsync();
            Assert.Contains(first.Logs.Lines, l => l.StartsWith("Warning 4106:", StringComparison.Ordinal) && l.Contains("50 message(s)", StringComparison.Ordinal));
        }

        var doneAgain = new TestStrategy("done");
        var upNow = new TestStrategy("down");
        await using var second = HandlingHarness.Create(
            h => { h.Strategy = "all"; h.SpoolPath = spool; },
            strategies: [doneAgain, upNow]);
        var resumed = second.StartPipeline();

        await Eventually.TrueAsync(() => upNow.Handled.Count == 50, "the restarted pipeline delivered every pending message");
        await Eventually.TrueAsync(() => resumed.Pending == 0, "the spool emptied");
        await resumed.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => "m-" + i).Order(), upNow.Handled.Select(m => m.Id).Order());
        Assert.Equal("hello", upNow.Handled.First().Data.GetProperty("text").GetString());
        Assert.Empty(doneAgain.Handled);
        Assert.Contains(second.Logs.Lines, l => l.StartsWith("Information 4103:", StringComparison.Ordinal));

        var third = second.StartPipeline();
        await third.DisposeAsync();
        Assert.Single(second.Logs.Lines, l => l.StartsWith("Information 4103:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SpoolFull_RejectsTheExtraMessages_LoggedAndCounted_NeverSilently()
    {
        using var files = new TempFiles();
        var down = new TestStrategy("down", (_, _) => false);
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "down"; h.SpoolPath = files.Path("spool"); h.SpoolCapacity = 3; },
            strategies: [down]);
        using var rejected = new MetricCollector("notify.websocket.incoming.rejected");
        var pipeline = harness.StartPipeline();

        for (var i = 0; i < 5; i++)
        {
            Assert.True(pipeline.TryEnqueue(Messages.Create("full-" + i)));
        }

        await Eventually.TrueAsync(() => rejected.Sum("notify.websocket.reason", "spool-full") == 2, "two messages were rejected");
        await pipeline.DisposeAsync();

        Assert.Equal(["full-0", "full-1", "full-2"], down.Attempted.Select(m => m.Id).Distinct().Order());
        Assert.Contains(harness.Logs.Lines, l => l.Contains("full-3", StringComparison.Ordinal) && l.Contains("spool", StringComparison.Ordinal) && l.Contains("spoolCapacity", StringComparison.Ordinal));
        Assert.Equal(2, rejected.Sum("notify.websocket.reason", "spool-full"));
    }

    [Fact]
    public async Task SameIdAgainWhileTheFirstIsPending_IsHandledOnce()
    {
        using var files = new TempFiles();
        var strategy = new TestStrategy("slow", (_, attempt) => attempt > 1);
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "slow"; h.SpoolPath = files.Path("spool"); },
            strategies: [strategy]);
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("dup"));
        pipeline.TryEnqueue(Messages.Create("dup"));
        await Eventually.TrueAsync(() => pipeline.Pending == 0 && !strategy.Handled.IsEmpty, "the message was handled");
        await pipeline.DisposeAsync();

        Assert.Single(strategy.Handled);
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Debug 4107:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_WaitsForTheBackoff_DrivenByTheTimeProvider()
    {
        using var files = new TempFiles();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var flaky = new TestStrategy("flaky", (_, attempt) => attempt > 1);
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "flaky"; h.SpoolPath = files.Path("spool"); h.RetryDelay = 60_000; h.MaxRetryDelay = 600_000; },
            strategies: [flaky], services: s => s.AddSingleton<TimeProvider>(time));
        var pipeline = harness.StartPipeline();

        using var retried = new MetricCollector("notify.websocket.incoming.retried");
        pipeline.TryEnqueue(Messages.Create("m-time"));
        await Eventually.TrueAsync(() => retried.Sum("notify.websocket.strategy", "flaky") == 1, "the retry was scheduled");
        time.Advance(TimeSpan.FromSeconds(30));
        await Task.Yield();
        Assert.Equal(1, flaky.Attempts);

        // The first retry waits retryDelay ± 20 % (48-72 s): past the longest, it has run.
        time.Advance(TimeSpan.FromSeconds(43));
        await Eventually.TrueAsync(() => flaky.Attempts == 2 && pipeline.Pending == 0, "the retry ran after the backoff");
        await pipeline.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_CountHandledFailedRetried_PerStrategy_AndGaugeTheSpool()
    {
        using var files = new TempFiles();
        var flaky = new TestStrategy("metered", (_, attempt) => attempt > 1);

        // A fake clock holds the retry back, so the gauge can be read while the message waits for it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "metered"; h.SpoolPath = files.Path("spool"); },
            strategies: [flaky], services: s => s.AddSingleton<TimeProvider>(time));
        using var handled = new MetricCollector("notify.websocket.incoming.handled");
        using var failed = new MetricCollector("notify.websocket.incoming.failed");
        using var retried = new MetricCollector("notify.websocket.incoming.retried");
        using var spooled = new MetricCollector("notify.websocket.incoming.spooled");
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("m-metrics"));
        await Eventually.TrueAsync(() => retried.Sum("notify.websocket.strategy", "metered") == 1, "a retry was scheduled");
        await Eventually.TrueAsync(
            () =>
            {
                spooled.Observe();
                return spooled.Last("notify.websocket.strategy", "metered") == 1;
            },
            "the spool gauge counted the message waiting for its retry");
        time.Advance(TimeSpan.FromMinutes(5));
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the message was handled");
        await pipeline.DisposeAsync();
        spooled.Observe();

        Assert.Equal(1, handled.Sum("notify.websocket.strategy", "metered"));
        Assert.Equal(1, failed.Sum("notify.websocket.strategy", "metered"));
        Assert.Equal(1, retried.Sum("notify.websocket.strategy", "metered"));
        Assert.Equal(0, spooled.Last("notify.websocket.strategy", "metered"));
    }
}
