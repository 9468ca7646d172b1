using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.External;

namespace Notify.WebSocket.Tests.External;

/// <summary>
/// A connection that gave up tries again by itself every <c>maxReconnectionDelay</c>, not every other one: timers count
/// whole milliseconds and may wake a little before the clock's timestamps say the interval is over.
/// </summary>
public sealed class RecoveryPaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TimersWakingALittleEarly_StillStartEachRecoveryAttempt_AtTheInterval()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var timers = new EarlyTimers(clock, early: TimeSpan.FromMilliseconds(10));
        var connection = new Unreachable();
        var options = new WebSocketProviderOptions { ReconnectionAttempts = 0, MaxReconnectionDelay = 1000 };
        var supervisor = new ConnectionSupervisor(connection, ExponentialBackoffPolicy.From(options), options, timers, NullLogger.Instance);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = supervisor.RunAsync(lifetime.Token);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await Eventually.TrueAsync(() => connection.Attempts == attempt && timers.Created == attempt, $"attempt {attempt} failed and its recovery timer is set");
            clock.Advance(TimeSpan.FromMilliseconds(990)); // the timer wakes 10 ms before the interval is over
        }

        await Eventually.TrueAsync(() => connection.Attempts == 6, "every interval started an attempt");
        await lifetime.CancelAsync();
        await run;
    }

    /// <summary>The system clock's timers as a fake clock: each one wakes <c>early</c> before it is due.</summary>
    private sealed class EarlyTimers(FakeTimeProvider clock, TimeSpan early) : TimeProvider
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override long GetTimestamp() => clock.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _created);
            return clock.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime / 2, period);
        }
    }

    private sealed class Unreachable : ISupervisedConnection
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public string Endpoint => "ws://127.0.0.1:9";

        public bool WantsConnection => true;

        public Task ConnectAsync(int attempt, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            throw new IOException("Connection refused");
        }

        public Task ReceiveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void OnDropped(WebSocketNotificationError reason)
        {
        }

        public Task OnFailedAsync(WebSocketNotificationError error) => Task.CompletedTask;
    }
}
