using System.Collections.Concurrent;
using Notify.WebSocket.AspNetCore.Diagnostics;

namespace Notify.WebSocket.AspNetCore.Presence;

/// <summary>Presence of this instance only: the default when there is no Redis scale-out.</summary>
internal sealed class LocalPresenceTracker : IPresenceTracker
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Creates the tracker; with <paramref name="metrics"/>, its group count is published.</summary>
    /// <param name="metrics">The gateway's metrics, when this tracker is the gateway's (not when it backs another).</param>
    public LocalPresenceTracker(GatewayMetrics? metrics = null) => metrics?.ObservePresence(() => _counts.Count);

    public ValueTask AddAsync(string group, CancellationToken cancellationToken)
    {
        Add(group);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string group, CancellationToken cancellationToken)
    {
        Remove(group);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> CountAsync(string group, CancellationToken cancellationToken) => new(Count(group));

    public void Add(string group) => _counts.AddOrUpdate(group, 1, static (_, n) => n + 1);

    public void Remove(string group)
    {
        while (_counts.TryGetValue(group, out var n))
        {
            if (n <= 1 ? _counts.TryRemove(KeyValuePair.Create(group, n)) : _counts.TryUpdate(group, n - 1, n))
            {
                return;
            }
        }
    }

    /// <summary>The groups with at least one connection here (a snapshot).</summary>
    public ICollection<string> Groups => _counts.Keys;

    /// <summary>How many groups have at least one connection here.</summary>
    public int GroupCount => _counts.Count;

    public int Count(string group) => _counts.TryGetValue(group, out var n) ? n : 0;
}
