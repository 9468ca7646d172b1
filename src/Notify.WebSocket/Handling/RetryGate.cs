namespace Notify.WebSocket.Handling;

/// <summary>
/// Keeps a sink that is down from being flooded with retries. Each message schedules its own retry, so without this a
/// backlog of N messages tried a down sink about N times per <c>maxRetryDelay</c> (100,000 spooled messages: 1,700
/// requests a second at the defaults), and hit it all at once when it came back. While a strategy fails, the messages
/// whose retry is due take turns: one at a time tries it (the probe), at the pace of the retry backoff, while the
/// others wait; when a probe, or any new message, gets through, all of them go. A new message is never held, nor is a
/// retry while the strategy is well. Each probe is the next waiting message, so one the sink keeps refusing for what
/// it is rather than for being down cannot hold the others back.
/// </summary>
internal sealed class RetryGate : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<(object Entry, TaskCompletionSource Turn)> _waiting = new();
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private bool _failing;
    private object? _probe;
    private int _failedProbes;
    private long _nextProbe;

    public RetryGate(RetryBackoff backoff, TimeProvider time)
    {
        _backoff = backoff;
        _time = time;
        _timer = time.CreateTimer(static s => ((RetryGate)s!).ProbeDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many due retries wait for their turn or for a probe to get through.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Completes when <paramref name="entry"/> may retry the strategy: at once while it is well; while it fails, when the
    /// entry's turn to probe comes (first come, first served) or another attempt got through.
    /// </summary>
    public Task EnterAsync(object entry, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            if (!_failing)
            {
                return Task.CompletedTask;
            }

            if (_probe is null && _waiting.Count == 0 && _time.GetTimestamp() >= _nextProbe)
            {
                _probe = entry;
                return Task.CompletedTask;
            }

            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue((entry, turn));
            ArmLocked();
        }

        return turn.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// An attempt got an answer from the sink (handled, or refused for good): it is up, and every waiting retry goes. A
    /// probe still under way is forgotten; its outcome counts as any other attempt's.
    /// </summary>
    public void Answered()
    {
        // The common case, a well strategy, takes no lock. A failure racing this read leaves the gate closed until the
        // next probe gets through, which only paces retries a little longer.
        if (!Volatile.Read(ref _failing))
        {
            return;
        }

        lock (_gate)
        {
            _probe = null;
            Volatile.Write(ref _failing, false);
            _failedProbes = 0;
            while (_waiting.TryDequeue(out var waiting))
            {
                waiting.Turn.TrySetResult();
            }
        }
    }

    /// <summary>An attempt failed and will be retried: the strategy is failing; a failed probe sets when the next one may try.</summary>
    public void Failed(object entry)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_probe, entry))
            {
                _probe = null;
                _nextProbe = _time.GetTimestamp() + ToTimestamp(_backoff.Delay(++_failedProbes));
                ArmLocked();
            }
            else if (!_failing)
            {
                // The first failure: the first retry that comes due probes at once (it waited its own backoff).
                Volatile.Write(ref _failing, true);
                _nextProbe = _time.GetTimestamp();
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The first in line becomes the probe; a timer that fired early is armed again for the rest.</summary>
    private void ProbeDue()
    {
        lock (_gate)
        {
            if (!_failing || _probe is not null || _waiting.Count == 0)
            {
                return;
            }

            if (_time.GetTimestamp() < _nextProbe)
            {
                ArmLocked();
                return;
            }

            var (entry, turn) = _waiting.Dequeue();
            _probe = entry;
            turn.TrySetResult();
        }
    }

    /// <summary>With no probe under way and retries waiting, wakes the first of them when the next probe is due.</summary>
    private void ArmLocked()
    {
        if (_probe is null && _waiting.Count > 0)
        {
            var due = _nextProbe - _time.GetTimestamp();
            _timer.Change(due <= 0 ? TimeSpan.Zero : _time.GetElapsedTime(0, due), Timeout.InfiniteTimeSpan);
        }
    }

    private long ToTimestamp(TimeSpan delay) => (long)(delay.TotalSeconds * _time.TimestampFrequency);
}
