using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Tests.Diagnostics;

public sealed class LogThrottleTests
{
    [Fact]
    public void TryEnter_LogsTheFirstAtOnce_ThenAtMostOncePerInterval_WithTheNumberHeldBack()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LogThrottle(clock, TimeSpan.FromSeconds(10));

        Assert.True(throttle.TryEnter(out var first));
        var heldBack = Enumerable.Range(0, 500).Count(_ => !throttle.TryEnter(out _));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(throttle.TryEnter(out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryEnter(out var next));

        Assert.Equal(0, first);
        Assert.Equal(500, heldBack);
        Assert.Equal(501, next);
        Assert.Equal(0, throttle.TakeHeld());
    }

    [Fact]
    public void WithAReport_ABurstThatEndsWithinTheInterval_IsReportedWhenTheIntervalEnds_Once()
    {
        var clock = new FakeTimeProvider();
        var reports = new List<int>();
        var throttle = new LogThrottle(clock, TimeSpan.FromSeconds(10), reports.Add);

        Assert.True(throttle.TryEnter(out _));
        for (var i = 0; i < 500; i++)
        {
            Assert.False(throttle.TryEnter(out _));
        }

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(reports);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([500], reports);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([500], reports);

        // Long after the report, the next occurrence is logged at once; one held after it is reported at its interval's end.
        Assert.True(throttle.TryEnter(out var suppressed));
        Assert.Equal(0, suppressed);
        Assert.False(throttle.TryEnter(out _));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([500, 1], reports);
    }

    [Fact]
    public void WithAReport_ALineWrittenBeforeTheReportTakesTheCount()
    {
        var clock = new FakeTimeProvider();
        var reports = new List<int>();
        var throttle = new LogThrottle(clock, TimeSpan.FromSeconds(10), reports.Add);

        Assert.True(throttle.TryEnter(out _));
        Assert.False(throttle.TryEnter(out _));
        Assert.Equal(1, throttle.TakeHeld()); // as a closing line does
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(reports);
    }

    [Fact]
    public void TakeHeld_GivesWhatWasNotLogged_Once()
    {
        var throttle = new LogThrottle(new FakeTimeProvider(), TimeSpan.FromMinutes(1));
        throttle.TryEnter(out _);
        throttle.TryEnter(out _);
        throttle.TryEnter(out _);

        Assert.Equal(2, throttle.TakeHeld());
        Assert.Equal(0, throttle.TakeHeld());
    }

    [Fact]
    public void TryEnter_WithAZeroInterval_LetsEveryOccurrenceThrough()
    {
        var throttle = new LogThrottle(new FakeTimeProvider(), TimeSpan.Zero);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.True(throttle.TryEnter(out _)));
    }

    [Fact]
    public async Task TryEnter_UnderContention_CountsEveryOccurrence()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LogThrottle(clock, TimeSpan.FromSeconds(1));
        var logged = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (throttle.TryEnter(out _))
                {
                    Interlocked.Increment(ref logged);
                }
            }
        })));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryEnter(out var suppressed));

        Assert.Equal(1, logged);
        Assert.Equal(80_000 - 1, suppressed);
    }
}
