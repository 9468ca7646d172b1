using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class QueueFullReportingTests
{
    [Fact]
    public async Task Drops_AreAllRefused_ButLoggedAtMostOnceASecond_WithTheirCount()
    {
        using var files = new TempFiles();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = HandlingHarness.Create(h => { h.Strategy = "quiet"; h.SpoolPath = files.Path("spool"); h.QueueCapacity = 1; h.WhenQueueFull = QueueFullMode.Drop; }, strategies: [new TestStrategy("quiet")]);
        var pipeline = new IncomingPipeline(
            "tenant-q", "tenant-q@test", harness.Services.GetRequiredService<IncomingPipelineFactory>().Select(harness.Options), harness.Options,
            harness.Services.GetRequiredService<SpoolRegistry>(), time,
            harness.Services.GetRequiredService<ILoggerFactory>().CreateLogger<IncomingPipeline>());

        var refused = Enumerable.Range(0, 20_000).Count(i => !pipeline.TryEnqueue(Messages.Create("q-" + i)));
        var firstSecond = harness.Logs.Lines.Count(l => l.StartsWith("Warning 4001:", StringComparison.Ordinal));
        time.Advance(TimeSpan.FromSeconds(1));
        var refusedLater = Enumerable.Range(0, 20_000).Count(i => !pipeline.TryEnqueue(Messages.Create("r-" + i)));
        await pipeline.DisposeAsync();

        Assert.True(refused > 1, $"only {refused} refused: the queue never filled");
        Assert.Equal(1, firstSecond);
        Assert.True(refusedLater > 0);
        Assert.Equal(2, harness.Logs.Lines.Count(l => l.StartsWith("Warning 4001:", StringComparison.Ordinal)));
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Warning 4001:", StringComparison.Ordinal) && l.Contains("dropped since the last report", StringComparison.Ordinal));
    }
}
