// Also compiled into Notify.WebSocket.AspNetCore and Notify.WebSocket.Kafka (linked from their project files), so one
// mechanism serves every package without adding public API. Each package gets the type in its own namespace, so the
// copies never collide.
#if NOTIFY_WEBSOCKET_ASPNETCORE
namespace Notify.WebSocket.AspNetCore.Diagnostics;
#elif NOTIFY_WEBSOCKET_KAFKA
namespace Notify.WebSocket.Kafka.Diagnostics;
#else
namespace Notify.WebSocket.Diagnostics;
#endif

/// <summary>
/// Lets a repeated warning through at most once per interval and counts what it held back, so a flood of one kind of
/// event (refused requests, refused sends, dropped messages) costs one log line per interval, while metrics still count
/// every occurrence. The first occurrence is always logged at once. Lock-free; one instance per thing reported on
/// (a connection, a tenant, an error code). An interval of zero lets every occurrence through.
/// </summary>
/// <param name="timeProvider">The clock.</param>
/// <param name="interval">The least time between two lines.</param>
/// <param name="reportHeld">
/// When given, what was held back is reported through it at the end of the interval even if nothing else happens:
/// without it a burst that ends within one interval leaves its count unreported until the next occurrence, if any.
/// </param>
internal sealed class LogThrottle(TimeProvider timeProvider, TimeSpan interval, Action<int>? reportHeld = null)
{
    private const long NeverLogged = long.MinValue;
    private long _lastLogged = NeverLogged;
    private int _held;
    private int _reportArmed;

    // Kept referenced: a timer nobody references may be collected before it fires.
    private ITimer? _report;

    /// <summary>Call on every occurrence: true when this one should be logged.</summary>
    /// <param name="suppressed">When true is returned, how many occurrences were held back since the last one logged.</param>
    /// <returns>Whether to log this occurrence.</returns>
    public bool TryEnter(out int suppressed)
    {
        var last = Interlocked.Read(ref _lastLogged);
        if ((last == NeverLogged || timeProvider.GetElapsedTime(last) >= interval)
            && Interlocked.CompareExchange(ref _lastLogged, timeProvider.GetTimestamp(), last) == last)
        {
            suppressed = Interlocked.Exchange(ref _held, 0);
            return true;
        }

        Interlocked.Increment(ref _held);
        suppressed = 0;
        ArmReport();
        return false;
    }

    /// <summary>How many occurrences are held back since the last one logged.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Takes the count of occurrences held back since the last one logged (for a closing summary line).</summary>
    /// <returns>The count, which is reset to zero.</returns>
    public int TakeHeld() => Interlocked.Exchange(ref _held, 0);

    /// <summary>Reports what is held back now, through the report given at construction (for a closing line).</summary>
    public void Flush()
    {
        if (reportHeld is not null && TakeHeld() is var held and > 0)
        {
            reportHeld(held);
        }
    }

    private void ArmReport()
    {
        if (reportHeld is null || Interlocked.CompareExchange(ref _reportArmed, 1, 0) != 0)
        {
            return;
        }

        var due = interval - timeProvider.GetElapsedTime(Interlocked.Read(ref _lastLogged));
        var previous = Interlocked.Exchange(ref _report, timeProvider.CreateTimer(static t => ((LogThrottle)t!).ReportHeld(), this, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        previous?.Dispose();
    }

    private void ReportHeld()
    {
        Volatile.Write(ref _reportArmed, 0);
        if (Held == 0)
        {
            return;
        }

        // A line written meanwhile took the count with it; what was held after it waits for that line's interval.
        var last = Interlocked.Read(ref _lastLogged);
        if (timeProvider.GetElapsedTime(last) >= interval && Interlocked.CompareExchange(ref _lastLogged, timeProvider.GetTimestamp(), last) == last)
        {
            var held = Interlocked.Exchange(ref _held, 0);
            if (held > 0)
            {
                reportHeld!(held);
            }
        }
        else
        {
            ArmReport();
        }
    }
}
