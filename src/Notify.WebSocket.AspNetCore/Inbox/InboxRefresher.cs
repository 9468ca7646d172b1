using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.ScaleOut;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// Tells users' connections on this instance to read their inbox again (<see cref="InboxChangeKind.Refresh"/>, with the
/// current unread count) when changes of their read state may have passed this instance by: its Redis subscription was
/// down (every user connected here), or another instance could not publish some (the users it names). One loop does the
/// work, a user at a time, and requests made meanwhile merge into its next round. While the store is down it waits, with
/// the backplane's capped backoff, and tries the users not done again.
/// </summary>
/// <param name="usersHere">The streams of the users connected here (<see cref="GatewayInbox.UsersHere"/>).</param>
/// <param name="refresh">Refreshes one user's connections here (<see cref="GatewayInbox.RefreshAsync"/>).</param>
/// <param name="timeProvider">Times the backoff.</param>
/// <param name="logger">Logs failures, throttled.</param>
/// <param name="logThrottleInterval">At most one failure logged per interval.</param>
internal sealed class InboxRefresher(
    Func<NotificationStreamId[]> usersHere,
    Func<NotificationStreamId, CancellationToken, Task> refresh,
    TimeProvider timeProvider,
    ILogger logger,
    TimeSpan logThrottleInterval) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CappedStreamSet _pending = new(InboxBackplane.MaxMissedStreams);
    private readonly LogThrottle _failureLog = new(timeProvider, logThrottleInterval);
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    /// <summary>Refreshes every user connected here.</summary>
    public void RefreshAll()
    {
        lock (_gate)
        {
            _pending.AddAll();
            StartIfIdle();
        }
    }

    /// <summary>Refreshes the users of these user streams that are connected here (others' ids are ignored).</summary>
    public void Refresh(IEnumerable<string> userStreams)
    {
        lock (_gate)
        {
            _pending.Add(userStreams);
            StartIfIdle();
        }
    }

    /// <summary>Stops the loop (what is pending is dropped: the connections here read their inbox when they reconnect).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task running;
        lock (_gate)
        {
            running = _running;
        }

        await running.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Under <c>_gate</c>.</summary>
    private void StartIfIdle()
    {
        if (_running.IsCompleted && !_stopping.IsCancellationRequested)
        {
            var stopping = _stopping.Token; // taken here: the loop may outlive a Dispose (that cancels it first)
            _running = Task.Run(() => RunAsync(stopping));
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = RedisSubscription.FirstRetryDelay;
        while (true)
        {
            (IReadOnlyCollection<string> Streams, bool All) taken;
            lock (_gate)
            {
                if (_pending.IsEmpty || stopping.IsCancellationRequested)
                {
                    _running = Task.CompletedTask;
                    return;
                }

                taken = _pending.Take();
            }

            var users = taken.All ? usersHere() : UserStreams(taken.Streams);
            var done = await RefreshAsync(users, stopping).ConfigureAwait(false);
            if (done == users.Length)
            {
                delay = RedisSubscription.FirstRetryDelay;
                continue;
            }

            lock (_gate)
            {
                // Only the users not done: a user who connected since reads the inbox when it connects.
                _pending.Add(users[done..].Select(user => user.ToString()));
            }

            try
            {
                await Task.Delay(delay, timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    _running = Task.CompletedTask;
                }

                return;
            }

            delay = RedisSubscription.Longer(delay);
        }
    }

    /// <summary>Refreshes users in order until the store fails; returns how many were done.</summary>
    private async Task<int> RefreshAsync(NotificationStreamId[] users, CancellationToken stopping)
    {
        for (var i = 0; i < users.Length; i++)
        {
            try
            {
                await refresh(users[i], stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return i;
            }
            catch (WebSocketNotificationException ex)
            {
                if (_failureLog.TryEnter(out var suppressed))
                {
                    Log.InboxRefreshFailed(logger, ex, suppressed);
                }

                // A store that is not configured right says so at every send: trying this user again would not help.
                if (ex.Retryable)
                {
                    return i;
                }
            }
        }

        return users.Length;
    }

    private static NotificationStreamId[] UserStreams(IReadOnlyCollection<string> ids)
    {
        var users = new List<NotificationStreamId>(ids.Count);
        foreach (var id in ids)
        {
            if (NotificationStreamId.TryParse(id, out var stream) && stream.Kind == NotificationStreamKind.User)
            {
                users.Add(stream);
            }
        }

        return [.. users];
    }
}
