using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Keeps a failing strategy's log quiet: during an outage the first failure is logged with its exception, then at most
/// one line per interval with the number of failures since; the first success after it says how long it lasted and
/// how many attempts failed. Metrics count every failure regardless.
/// </summary>
internal sealed class StrategyOutage(string strategy, string tenantId, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>How often a continuing outage is reported.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    private const long Healthy = 0;
    private readonly LogThrottle _throttle = new(timeProvider, ReportInterval);
    private long _since = Healthy;
    private int _failures;
    private int _reported;

    public void Failed(Exception exception, IncomingMessage message)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.CompareExchange(ref _since, timeProvider.GetTimestamp(), Healthy);
        if (!_throttle.TryEnter(out var suppressed))
        {
            return;
        }

        // The outage's first line carries the exception whichever failure gets to write it: concurrent failures race to
        // start the outage and to pass the throttle, and one that is held back (a flap, or the last report's interval
        // still running) leaves the exception to the next one that passes.
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            Log.StrategyFailed(logger, exception, strategy, message.Id, message.Event, tenantId);
        }
        else
        {
            Log.StrategyStillFailing(logger, strategy, tenantId, suppressed + 1, (long)timeProvider.GetElapsedTime(Interlocked.Read(ref _since)).TotalSeconds, exception.GetType().Name, exception.Message);
        }
    }

    public void Succeeded()
    {
        var since = Interlocked.Read(ref _since);
        if (since == Healthy || Interlocked.CompareExchange(ref _since, Healthy, since) != since)
        {
            return;
        }

        var failures = Interlocked.Exchange(ref _failures, 0);
        _throttle.TakeHeld();

        // A sink that flaps right after recovering (requests in flight at the turn come back failed) starts an outage the
        // throttle kept out of the log: its end is not news either.
        if (Interlocked.Exchange(ref _reported, 0) == 1)
        {
            Log.StrategyRecovered(logger, strategy, tenantId, failures, timeProvider.GetElapsedTime(since).TotalSeconds);
        }
    }
}
