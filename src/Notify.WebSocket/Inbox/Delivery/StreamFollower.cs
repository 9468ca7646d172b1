// Compiled into Notify.WebSocket and, linked, into Notify.WebSocket.AspNetCore (see IFollowerOutput.cs).
using Microsoft.Extensions.Logging;

#if NOTIFY_WEBSOCKET_ASPNETCORE
namespace Notify.WebSocket.AspNetCore.Inbox;
#else
namespace Notify.WebSocket.Inbox.Delivery;
#endif

/// <summary>
/// Delivers one stream to one connection exactly once and in position order, live or from the store. It is either
/// <em>live</em>, writing what the fan-out offers straight to the connection's queue, or <em>catching up</em>, reading
/// the store after the last position it wrote while it only notes the highest position offered meanwhile. It catches
/// up to replay on connect, and whenever a live notification does not follow the last one written (a gap: another
/// instance's notification arrived late) or the queue is full (a slow client): nothing is ever dropped, since
/// everything offered was stored first. It goes live again only when, under its lock, nothing newer than what it wrote
/// was offered: the replay/live seam has no gap and no duplicate.
/// </summary>
internal sealed partial class StreamFollower
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly NotificationJournal _journal;
    private readonly IFollowerOutput _output;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _live;
    private bool _stopped;
    private bool _readAgain;
    private bool _catchUpWhenJoined;
    private bool _joinFailed;
    private long _lastWritten;
    private long _highestOffered;
    private long _lowestOfferedBeforeJoin = long.MaxValue;
    private long _joinedAt = -1;

    private StreamFollower(NotificationStreamId stream, IFollowerOutput output, NotificationJournal journal, int batchSize, TimeProvider timeProvider, ILogger logger, bool live)
    {
        Stream = stream;
        StreamId = stream.ToString();
        _output = output;
        _journal = journal;
        _batchSize = batchSize;
        _timeProvider = timeProvider;
        _logger = logger;
        _live = live;
        _lastWritten = live ? -1 : 0;
    }

    public NotificationStreamId Stream { get; }

    public string StreamId { get; }

    /// <summary>Where it writes.</summary>
    public IFollowerOutput Output => _output;

    /// <summary>Called with the number of notifications each catch-up read from the store (for metrics); set before it is offered anything.</summary>
    public Action<int>? CaughtUp { get; set; }

    /// <summary>
    /// Completes once a follower without a position knows where it joined (the stream's head once the fan-out offered
    /// it notifications); at once for the others.
    /// </summary>
    public Task Joined => _joined.Task;

    /// <summary>A follower without a position: it delivers from the first notification offered to it on.</summary>
    public static StreamFollower Live(NotificationStreamId stream, IFollowerOutput output, NotificationJournal journal, int batchSize, TimeProvider timeProvider, ILogger logger) =>
        new(stream, output, journal, batchSize, timeProvider, logger, live: true);

    /// <summary>A follower that holds everything offered until <see cref="ReplayAsync"/> has delivered what was missed.</summary>
    public static StreamFollower Replaying(NotificationStreamId stream, IFollowerOutput output, NotificationJournal journal, int batchSize, TimeProvider timeProvider, ILogger logger) =>
        new(stream, output, journal, batchSize, timeProvider, logger, live: false);

    /// <summary>
    /// Replays everything after <paramref name="position"/> (never at or below <paramref name="floor"/>, where a channel
    /// membership starts), then the end of the replay, then goes live. A position beyond the stream's head or negative
    /// replays from the oldest retained notification, flagged <see cref="StreamReplay.Reset"/>; one older than retention
    /// is flagged <see cref="StreamReplay.Truncated"/>.
    /// </summary>
    /// <returns>A task that completes when the follower is live (or stopped).</returns>
    public async Task ReplayAsync(long position, long floor)
    {
        var (answered, b) = await RetryAsync(ct => _journal.GetBoundsAsync(Stream, ct)).ConfigureAwait(false);
        if (!answered)
        {
            return;
        }

        var reset = position < 0 || position > b.Head;
        var start = Math.Max(reset ? (b.Oldest > 0 ? b.Oldest - 1 : b.Head) : position, floor);
        var truncated = false;
        if (!reset && start < (b.Oldest > 0 ? b.Oldest - 1 : b.Head))
        {
            truncated = true;
            start = b.Oldest > 0 ? b.Oldest - 1 : b.Head;
        }

        lock (_gate)
        {
            _lastWritten = start;
        }

        await CatchUpAsync(new StreamReplay { Stream = StreamId, Reset = reset, Truncated = truncated }).ConfigureAwait(false);
    }

    /// <summary>
    /// Called once the fan-out offers it notifications. A follower without a position reads the stream's head now, as
    /// where it joined, and holds what it is offered until then: it delivers what follows that head, checked for gaps
    /// against it, and a catch-up (<see cref="CatchUpNow"/>) reads after it, never the history from before it joined.
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            if (!_live || _lastWritten >= 0)
            {
                _joined.TrySetResult();
                return;
            }
        }

        _ = JoinAsync();
    }

    /// <summary>A notification of this stream from the fan-out (in position order from this instance; from others, possibly not).</summary>
    public void Offer(NotificationPayload notification)
    {
        var position = notification.Position ?? 0;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (_lastWritten < 0 && !_joinFailed)
            {
                // No position, and the head it joined at not read yet: held until it is. The first notification offered
                // need not be the first stored after the join (another instance's, stored before, can arrive later
                // through Redis), so what follows the join is only known against that head.
                _highestOffered = Math.Max(_highestOffered, position);
                _lowestOfferedBeforeJoin = Math.Min(_lowestOfferedBeforeJoin, position);
                return;
            }

            if (_lastWritten >= 0 && position <= _lastWritten)
            {
                return;
            }

            if (!_live)
            {
                _highestOffered = Math.Max(_highestOffered, position);
                return;
            }

            if ((_lastWritten < 0 || position == _lastWritten + 1) && _output.TryWrite(notification))
            {
                _lastWritten = position;
                return;
            }

            // A gap, or a full queue: read the store from the last position written until caught up.
            _lastWritten = _lastWritten < 0 ? position - 1 : _lastWritten;
            _highestOffered = position;
            _live = false;
        }

        _ = CatchUpAsync(replay: null);
    }

    /// <summary>
    /// Reads the store now, in case the fan-out missed notifications (an instance's broadcasts were lost while Redis was
    /// away): what it already wrote is not written again.
    /// </summary>
    public void CatchUpNow()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (!_live)
            {
                // Already reading the store, but perhaps with a read that began before what was missed was stored: it
                // would go live without it, and nothing would ever offer it again. Read once more before going live.
                _readAgain = true;
                return;
            }

            if (_lastWritten < 0)
            {
                // Nothing written, no position: it missed only what was stored after it joined.
                if (_joinedAt < 0)
                {
                    _catchUpWhenJoined = true;
                    return;
                }

                _lastWritten = _joinedAt;
            }

            _live = false;
        }

        _ = CatchUpAsync(replay: null);
    }

    /// <summary>Stops delivering (the connection left the channel or closed).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
        }
    }

    private async Task JoinAsync()
    {
        bool answered;
        Notify.WebSocket.Storage.StreamBounds bounds;
        try
        {
            (answered, bounds) = await RetryAsync(ct => _journal.GetBoundsAsync(Stream, ct)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or WebSocketNotificationException)
        {
            // The journal was disposed (the host is stopping), or refused for good: it goes on live, as before it joined.
            (answered, bounds) = (false, default);
        }

        var catchUp = false;
        var joined = new StreamReplay { Stream = StreamId };
        lock (_gate)
        {
            if (answered)
            {
                // It joined at the head, or just before what it was offered while the head was read: that was stored
                // once it followed the stream (a connection that sends as soon as it is connected gets what it sent).
                _joinedAt = Math.Min(bounds.Head, _lowestOfferedBeforeJoin - 1);
                _lastWritten = _lastWritten < 0 ? _joinedAt : _lastWritten;

                // What was offered while the head was read, and what the fan-out may have missed meanwhile, is read from
                // the store after the head, in order. Either way the client is told where it joined (an empty replay,
                // or the end of that catch-up), so that it can connect again with a position even if nothing arrives
                // before its connection drops.
                if (!_stopped && _live
                    && (_catchUpWhenJoined || _highestOffered > _lastWritten || !_output.TryWriteReplayed(joined with { Position = _lastWritten })))
                {
                    _live = false;
                    catchUp = true;
                }
            }
            else
            {
                // The journal is gone (the host is stopping) or refused for good: deliver from the first notification
                // offered, as nothing better is known.
                _joinFailed = true;
            }

            _catchUpWhenJoined = false;
        }

        _joined.TrySetResult();
        if (catchUp)
        {
            await CatchUpAsync(joined).ConfigureAwait(false);
        }
    }

    private async Task CatchUpAsync(StreamReplay? replay)
    {
        var count = 0;
        while (true)
        {
            long after;
            long offeredBefore;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                after = _lastWritten;
                offeredBefore = _highestOffered;
            }

            var (answered, page) = await RetryAsync(ct => _journal.ReadAsync(Stream, after, _batchSize, ct)).ConfigureAwait(false);
            if (!answered)
            {
                return;
            }

            foreach (var notification in page)
            {
                try
                {
                    await _output.WriteAsync(notification, _output.Closed).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_output.Closed.IsCancellationRequested)
                {
                    return;
                }

                lock (_gate)
                {
                    _lastWritten = notification.Position ?? _lastWritten;
                }

                count++;
            }

            if (page.Count == _batchSize || !await TryGoLiveAsync(replay, count, offeredBefore, emptyRead: page.Count == 0).ConfigureAwait(false))
            {
                continue;
            }

            CaughtUp?.Invoke(count);
            return;
        }
    }

    /// <summary>
    /// Goes live when nothing newer than what was written has been offered, after queueing the end of the replay;
    /// otherwise the caller reads again. Everything offered was committed before it was offered, so a read that started
    /// after an offer sees it.
    /// </summary>
    private async ValueTask<bool> TryGoLiveAsync(StreamReplay? replay, int count, long offeredBefore, bool emptyRead)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return true;
            }

            if (_readAgain)
            {
                _readAgain = false;
                return false;
            }

            // Read again, unless the last read found nothing although what was offered before it is newer: retention
            // removed that already, and there is nothing to wait for.
            if (_highestOffered > _lastWritten && (!emptyRead || _highestOffered > offeredBefore))
            {
                return false;
            }

            if (replay is null || _output.TryWriteReplayed(replay with { Position = _lastWritten, Count = count }))
            {
                _live = true;
                return true;
            }
        }

        try
        {
            await _output.WaitForRoomAsync(_output.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_output.Closed.IsCancellationRequested)
        {
            return true;
        }

        return false;
    }

    /// <summary>Calls the store until it answers (capped backoff while it is unavailable); not answered once the connection closed.</summary>
    private async Task<(bool Answered, T Result)> RetryAsync<T>(Func<CancellationToken, Task<T>> call)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                return (true, await call(_output.Closed).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (_output.Closed.IsCancellationRequested)
            {
                return default;
            }
            catch (WebSocketNotificationException ex) when (ex.Code == WebSocketErrorCodes.StoreUnavailable)
            {
                // The journal logs store failures (throttled); this only says who waits for it.
                StoreWait(_logger, StreamId, _output.ConnectionId, delay);
            }

            try
            {
                await Task.Delay(delay, _timeProvider, _output.Closed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return default;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    [LoggerMessage(6101, LogLevel.Debug, "Stream {Stream} of connection {ConnectionId} waits {Delay} for the notification store")]
    private static partial void StoreWait(ILogger logger, string stream, string connectionId, TimeSpan delay);
}
