// Compiled into Notify.WebSocket and, linked, into Notify.WebSocket.AspNetCore (see IFollowerOutput.cs).
using System.Collections.Concurrent;

#if NOTIFY_WEBSOCKET_ASPNETCORE
namespace Notify.WebSocket.AspNetCore.Inbox;
#else
namespace Notify.WebSocket.Inbox.Delivery;
#endif

/// <summary>
/// The followers of each stream on this instance: the fan-out of stored notifications. Offering iterates an immutable
/// snapshot, so a send never waits for a connection coming or going.
/// </summary>
internal sealed class FollowerIndex
{
    private readonly ConcurrentDictionary<NotificationStreamId, StreamFollower[]> _streams = new();

    /// <summary>Adds a follower, then starts it: one without a position learns where it joined only once it is offered everything newer.</summary>
    public void Add(StreamFollower follower)
    {
        _streams.AddOrUpdate(follower.Stream, static (_, f) => [f], static (_, existing, f) => [.. existing, f], follower);
        follower.Start();
    }

    public void Remove(StreamFollower follower)
    {
        while (_streams.TryGetValue(follower.Stream, out var existing))
        {
            var index = Array.IndexOf(existing, follower);
            if (index < 0)
            {
                return;
            }

            if (existing.Length == 1
                ? _streams.TryRemove(KeyValuePair.Create(follower.Stream, existing))
                : _streams.TryUpdate(follower.Stream, [.. existing[..index], .. existing[(index + 1)..]], existing))
            {
                return;
            }
        }
    }

    /// <summary>How many followers a stream has here.</summary>
    public int Count(NotificationStreamId stream) => _streams.TryGetValue(stream, out var followers) ? followers.Length : 0;

    /// <summary>A snapshot of the streams of one kind with followers here (of user streams: the users connected here).</summary>
    public NotificationStreamId[] Streams(NotificationStreamKind kind) => [.. _streams.Keys.Where(stream => stream.Kind == kind)];

    /// <summary>Makes every follower read the store (after the fan-out may have missed notifications).</summary>
    public void CatchUpAll()
    {
        foreach (var followers in _streams.Values)
        {
            CatchUp(followers);
        }
    }

    /// <summary>Makes the followers of one stream read the store.</summary>
    public void CatchUp(NotificationStreamId stream)
    {
        if (_streams.TryGetValue(stream, out var followers))
        {
            CatchUp(followers);
        }
    }

    /// <summary>Calls <paramref name="action"/> with the output of each follower of a stream (for a user's stream: each of the user's connections here).</summary>
    public void ForEachOutput(NotificationStreamId stream, Action<IFollowerOutput> action)
    {
        if (_streams.TryGetValue(stream, out var followers))
        {
            foreach (var follower in followers)
            {
                action(follower.Output);
            }
        }
    }

    /// <summary>Offers a stored notification to its stream's followers; returns how many there were.</summary>
    public int Offer(NotificationStreamId stream, NotificationPayload notification)
    {
        if (!_streams.TryGetValue(stream, out var followers))
        {
            return 0;
        }

        foreach (var follower in followers)
        {
            follower.Offer(notification);
        }

        return followers.Length;
    }

    private static void CatchUp(StreamFollower[] followers)
    {
        foreach (var follower in followers)
        {
            follower.CatchUpNow();
        }
    }
}
