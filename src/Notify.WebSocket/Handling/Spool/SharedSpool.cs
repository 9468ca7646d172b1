using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// One open <see cref="IMessageSpool"/> as the pipelines of this process share it: serializes their calls, writes and
/// reads the messages as JSON, and keeps track of which pending messages a live pipeline is handling (its claims), so
/// two pipelines of the same tenant never deliver one message twice.
/// </summary>
internal sealed class SharedSpool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IMessageSpool _spool;
    private readonly HashSet<SpoolKey> _claimed = [];
    private readonly List<SpoolInsert> _inserts = [];
    private readonly List<SpoolUpdate> _updates = [];
    private readonly List<SpoolKey> _removals = [];

    public SharedSpool(string location, IMessageSpool spool)
    {
        Location = location;
        _spool = spool;
    }

    /// <summary>Where the spool lives (for logs).</summary>
    public string Location { get; }

    /// <summary>
    /// Applies a batch in one transaction of the spool; returns, per insert, whether it was stored. A message whose id is
    /// already pending for the same owner is not stored twice (and not handled twice).
    /// </summary>
    public IReadOnlyList<SpoolInsertOutcome> Apply(IReadOnlyList<SpoolEntry> inserts, IReadOnlyList<SpoolEntry> updates, IReadOnlyList<SpoolEntry> removals, long capacity)
    {
        lock (_gate)
        {
            try
            {
                foreach (var entry in inserts)
                {
                    _inserts.Add(new SpoolInsert(entry.Key, SpooledMessageSerializer.Serialize(entry.Message)));
                }

                foreach (var entry in updates)
                {
                    _updates.Add(new SpoolUpdate(entry.Key, entry.DoneList(), entry.Attempts));
                }

                foreach (var entry in removals)
                {
                    _removals.Add(entry.Key);
                }

                var outcomes = _spool.Apply(_inserts, _updates, _removals, capacity);
                foreach (var key in _removals)
                {
                    _claimed.Remove(key);
                }

                for (var i = 0; i < _inserts.Count; i++)
                {
                    if (outcomes[i] == SpoolInsertOutcome.Stored)
                    {
                        _claimed.Add(_inserts[i].Key);
                    }
                }

                return outcomes;
            }
            finally
            {
                _inserts.Clear();
                _updates.Clear();
                _removals.Clear();
            }
        }
    }

    /// <summary>Claims and returns the pending messages of <paramref name="owner"/> that no live pipeline of this process is handling.</summary>
    public List<SpoolEntry> ClaimPending(string owner)
    {
        var entries = new List<SpoolEntry>();
        lock (_gate)
        {
            foreach (var pending in _spool.ReadPending(owner))
            {
                if (_claimed.Add(new SpoolKey(owner, pending.Id)))
                {
                    var done = pending.Progress.Split(',', StringSplitOptions.RemoveEmptyEntries);
                    entries.Add(new SpoolEntry(owner, SpooledMessageSerializer.Deserialize(pending.Message), done, pending.Attempts));
                }
            }
        }

        return entries;
    }

    /// <summary>Whether <paramref name="owner"/> has messages waiting.</summary>
    public bool HasPending(string owner)
    {
        lock (_gate)
        {
            return _spool.HasPending(owner);
        }
    }

    /// <summary>Gives claims back (a pipeline stopped with these still pending), so a later pipeline can take them.</summary>
    public void Unclaim(IEnumerable<SpoolEntry> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                _claimed.Remove(entry.Key);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _spool.Dispose();
        }
    }
}
