namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// What a client received, in order, for tests to await: the next entry that matches and was not awaited yet, within
/// <see cref="GatewayClient.Timeout"/> (no sleeps: each new entry wakes the waiters).
/// </summary>
internal sealed class AwaitableLog<T>
{
    private readonly List<(T Entry, bool Consumed)> _entries = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(T entry)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _entries.Add((entry, false));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public IReadOnlyList<T> Entries()
    {
        lock (_gate)
        {
            return [.. _entries.Select(e => e.Entry)];
        }
    }

    /// <summary>The next matching entry not yet consumed.</summary>
    /// <param name="match">Which entry.</param>
    /// <param name="consume">Marks it, so that the next wait skips it.</param>
    /// <param name="what">Names what was awaited, for the timeout's message.</param>
    /// <param name="describe">Writes an entry in the timeout's message.</param>
    public async Task<T> NextAsync(Func<T, bool> match, bool consume, string what, Func<T, string> describe)
    {
        using var cts = new CancellationTokenSource(GatewayClient.Timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (var i = 0; i < _entries.Count; i++)
                {
                    if (!_entries[i].Consumed && match(_entries[i].Entry))
                    {
                        _entries[i] = (_entries[i].Entry, consume);
                        return _entries[i].Entry;
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {what} within {GatewayClient.Timeout}; received: {string.Join(", ", Entries().Select(describe))}");
            }
        }
    }
}
