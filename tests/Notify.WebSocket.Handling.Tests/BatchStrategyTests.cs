using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>A strategy that takes batches: messages ready together arrive in one call, and each message's outcome is its own.</summary>
public sealed class BatchStrategyTests
{
    [Fact]
    public async Task MessagesReadyTogether_ArriveInOneCall_AndLeaveTheSpool()
    {
        using var files = new TempFiles();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new TestBatchStrategy("batches") { Gate = gate };
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "batches"; h.SpoolPath = files.Path("spool"); },
            builder: batches.AddTo);
        var pipeline = harness.StartPipeline();

        // The first message holds the strategy; the next 300 pile up behind it and must come as few calls, not 300.
        pipeline.TryEnqueue(Messages.Create("first"));
        await Eventually.TrueAsync(() => batches.Batches.Count == 1, "the first batch reached the strategy");
        for (var i = 0; i < 300; i++)
        {
            Assert.True(pipeline.TryEnqueue(Messages.Create("m-" + i)));
        }

        gate.SetResult();
        await Eventually.TrueAsync(() => pipeline.Completed == 301, "every message was handled and left the spool");
        await pipeline.DisposeAsync();

        Assert.Equal(0, batches.SingleCalls);
        Assert.Equal(301, batches.Handled.Count);
        Assert.Equal(["first", .. Enumerable.Range(0, 300).Select(i => "m-" + i)], batches.Batches.SelectMany(b => b));
        // As many calls as the spool's group commits that took them, not one per message.
        Assert.InRange(batches.Batches.Count, 2, 100);
    }

    [Fact]
    public async Task OneMessageFailing_IsRetriedAlone_AndARefusedOneIsNotRetried()
    {
        using var files = new TempFiles();
        var batches = new TestBatchStrategy("batches", (message, attempt) => message.Id switch
        {
            "flaky" when attempt < 3 => new InvalidOperationException("the sink is busy"),
            "poison" => new WebSocketNotificationException(WebSocketErrorCodes.Error, "refused for good", retryable: false),
            _ => null,
        });
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "batches"; h.SpoolPath = files.Path("spool"); },
            builder: batches.AddTo);
        var pipeline = harness.StartPipeline();

        foreach (var id in new[] { "a", "flaky", "poison", "b" })
        {
            pipeline.TryEnqueue(Messages.Create(id));
        }

        await Eventually.TrueAsync(() => pipeline.Completed == 4, "every message is done (handled or refused)");
        await pipeline.DisposeAsync();

        Assert.Equal(["a", "b", "flaky"], batches.Handled.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(1, batches.AttemptsOf("a"));
        Assert.Equal(1, batches.AttemptsOf("b"));
        Assert.Equal(3, batches.AttemptsOf("flaky"));
        Assert.Equal(1, batches.AttemptsOf("poison"));
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Error 4105:", StringComparison.Ordinal) && l.Contains("poison", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABatchThatThrows_IsRetriedWhole_UntilTheSinkIsBack()
    {
        using var files = new TempFiles();
        var down = true;
        var batches = new TestBatchStrategy("batches", (_, _) => Volatile.Read(ref down) ? new TimeoutException("sink down") : null);
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "batches"; h.SpoolPath = files.Path("spool"); },
            builder: batches.AddTo);
        var pipeline = harness.StartPipeline();
        for (var i = 0; i < 20; i++)
        {
            pipeline.TryEnqueue(Messages.Create("m-" + i));
        }

        await Eventually.TrueAsync(() => Enumerable.Range(0, 20).All(i => batches.AttemptsOf("m-" + i) >= 2), "every message was tried again while the sink was down");
        Assert.Equal(0, pipeline.Completed);
        Volatile.Write(ref down, false);
        await Eventually.TrueAsync(() => pipeline.Completed == 20, "all delivered once the sink is back");
        await pipeline.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => "m-" + i).Order(StringComparer.Ordinal), batches.Handled.Select(m => m.Id).Order(StringComparer.Ordinal));
    }
}
