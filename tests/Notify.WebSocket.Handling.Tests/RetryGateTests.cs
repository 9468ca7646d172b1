using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>
/// A sink that is down is probed by one retry at a time, at the backoff's pace, not by every message of the backlog;
/// when a probe, or a new message, gets through, everything waiting goes. On a fake clock: each step passes the longest
/// backoff, and a step is taken only once the last attempt's failure is recorded (its retry counted).
/// </summary>
public sealed class RetryGateTests
{
    private static readonly TimeSpan FirstRetries = TimeSpan.FromMilliseconds(1_300); // retryDelay 1 s + 20 % jitter, passed
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(4_900); // maxRetryDelay 4 s + 20 % jitter, passed

    [Fact]
    public async Task WebhookDown_ABacklogOf500_IsProbedOneRequestPerBackoff_ThenEverythingIsDeliveredOnce()
    {
        using var files = new TempFiles();
        using var retried = new MetricCollector("notify.websocket.incoming.retried");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var down = 1;
        await using var receiver = await WebhookReceiver.StartAsync(_ => Volatile.Read(ref down) == 1 ? 503 : 200);
        await using var harness = Slow(h => { h.Strategy = "callback"; h.CallbackUrl = receiver.Url.ToString(); h.SpoolPath = files.Path("spool"); }, time);
        var pipeline = harness.StartPipeline("gate-webhook");
        for (var i = 0; i < 500; i++)
        {
            Assert.True(pipeline.TryEnqueue(Messages.Create("m-" + i)));
        }

        await Eventually.TrueAsync(() => Retries(retried, "callback", "gate-webhook") == 500, "every message was tried once", 30_000);

        // Every first retry comes due: one of them probes, the other 499 wait (without the gate: 500 more requests).
        time.Advance(FirstRetries);
        await Eventually.TrueAsync(() => Retries(retried, "callback", "gate-webhook") == 501 && pipeline.RetriesWaiting == 499, "one probe, 499 waiting", 30_000);
        for (var step = 1; step <= 10; step++)
        {
            time.Advance(Step);
            var expected = 501 + step;
            await Eventually.TrueAsync(() => Retries(retried, "callback", "gate-webhook") == expected && pipeline.RetriesWaiting == 499, $"one more probe at step {step}", 30_000);
        }

        Assert.Equal(511, receiver.Received.Count);
        Volatile.Write(ref down, 0);
        time.Advance(Step);
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the probe got through and everything waiting went", 30_000);
        await pipeline.DisposeAsync();

        Assert.Equal(511 + 500, receiver.Received.Count);
        Assert.Equal(500, receiver.Accepted.Select(r => r.Header(WebhookHeaders.MessageId)).Distinct().Count());
        Assert.Equal(500, receiver.Accepted.Count());
    }

    [Fact]
    public async Task AMessageTheSinkKeepsRefusing_DoesNotHoldTheOthersBack_OnceTheSinkIsUp()
    {
        using var files = new TempFiles();
        using var retried = new MetricCollector("notify.websocket.incoming.retried");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var down = true;
        var sink = new TestStrategy("sink", (m, _) => !Volatile.Read(ref down) && m.Id != "poison");
        await using var harness = Slow(h => { h.Strategy = "sink"; h.SpoolPath = files.Path("spool"); }, time, sink);
        var pipeline = harness.StartPipeline("gate-poison");
        Assert.True(pipeline.TryEnqueue(Messages.Create("poison")));
        for (var i = 0; i < 49; i++)
        {
            Assert.True(pipeline.TryEnqueue(Messages.Create("m-" + i)));
        }

        await Eventually.TrueAsync(() => Retries(retried, "sink", "gate-poison") == 50, "every message was tried once");
        time.Advance(FirstRetries);
        await Eventually.TrueAsync(() => Retries(retried, "sink", "gate-poison") == 51 && pipeline.RetriesWaiting == 49, "one probe, 49 waiting");

        // Up, except for the one message it refuses (retryably) whatever happens. Probes take turns, first come, first
        // served, and a failed probe waits behind the others: if the poison probes first, the next probe gets through.
        Volatile.Write(ref down, false);
        time.Advance(Step);
        await Eventually.TrueAsync(() => sink.Handled.Count == 49 || (Retries(retried, "sink", "gate-poison") == 52 && pipeline.RetriesWaiting == 49), "the next probe");
        if (sink.Handled.Count < 49)
        {
            Assert.Equal("poison", sink.Attempted.Last().Id);
            time.Advance(Step);
        }

        await Eventually.TrueAsync(() => sink.Handled.Count == 49 && pipeline.Pending == 1, "everything but the poison was handled");
        await pipeline.DisposeAsync();

        Assert.DoesNotContain(sink.Handled, m => m.Id == "poison");
        Assert.Equal(49, sink.Handled.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task ANewMessageThatGetsThrough_ReleasesTheWaitingRetries_WithoutWaitingForAProbe()
    {
        using var files = new TempFiles();
        using var retried = new MetricCollector("notify.websocket.incoming.retried");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var down = true;
        var sink = new TestStrategy("sink", (_, _) => !Volatile.Read(ref down));
        await using var harness = Slow(h => { h.Strategy = "sink"; h.SpoolPath = files.Path("spool"); }, time, sink);
        var pipeline = harness.StartPipeline("gate-new");
        for (var i = 0; i < 20; i++)
        {
            Assert.True(pipeline.TryEnqueue(Messages.Create("m-" + i)));
        }

        await Eventually.TrueAsync(() => Retries(retried, "sink", "gate-new") == 20, "every message was tried once");
        time.Advance(FirstRetries);
        await Eventually.TrueAsync(() => Retries(retried, "sink", "gate-new") == 21 && pipeline.RetriesWaiting == 19, "one probe, 19 waiting");

        // No clock step: the next probe is not due, but a new message gets through, so the sink is up.
        Volatile.Write(ref down, false);
        Assert.True(pipeline.TryEnqueue(Messages.Create("new")));
        await Eventually.TrueAsync(() => sink.Handled.Count == 20 && pipeline.Pending == 1, "the new message and the 19 waiting were handled");
        Assert.Equal(0, pipeline.RetriesWaiting); // the failed probe waits for its own retry, not for the gate
        time.Advance(Step);
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the last one was retried");
        await pipeline.DisposeAsync();

        Assert.Equal(21, sink.Handled.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task AProbeOvertakenByAnotherSuccess_IsForgotten_SoTheNextOutageGetsAProbeAtOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var gate = new RetryGate(new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)), time);
        object first = new(), probe = new(), again = new(), next = new();

        gate.Failed(first);
        await gate.EnterAsync(probe, TestContext.Current.CancellationToken); // the first retry due probes at once
        gate.Answered(); // a new message got through while the probe was under way
        gate.Answered(); // then the probe itself

        gate.Failed(again); // a new outage
        var turn = gate.EnterAsync(next, TestContext.Current.CancellationToken);
        Assert.True(turn.IsCompletedSuccessfully, "the first retry of the new outage probes at once");
        var waiting = gate.EnterAsync(new object(), TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted, "the one after it waits for the probe");
        gate.Answered();
        await waiting;
    }

    /// <summary>Retries from 1 s up to 4 s, on the fake clock.</summary>
    private static HandlingHarness Slow(Action<MessageHandlingOptions> handling, FakeTimeProvider time, TestStrategy? strategy = null) =>
        HandlingHarness.Create(
            h => { handling(h); h.RetryDelay = 1_000; h.MaxRetryDelay = 4_000; },
            strategies: strategy is null ? [] : [strategy],
            services: s => s.AddSingleton<TimeProvider>(time));

    private static long Retries(MetricCollector retried, string strategy, string tenantId) =>
        retried.Sum(("notify.websocket.strategy", strategy), (Notify.WebSocket.Diagnostics.NotifyWebSocketTelemetry.TenantTag, tenantId));
}
