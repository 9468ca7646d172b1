namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// Stream ids to act on later, each once; past <paramref name="limit"/> ids it stands for every stream instead, so an
/// outage of any length costs bounded memory. Not thread-safe: callers hold their own lock.
/// </summary>
internal sealed class CappedStreamSet(int limit)
{
    private HashSet<string>? _streams;

    /// <summary>Whether it stands for every stream.</summary>
    public bool All { get; private set; }

    public bool IsEmpty => _streams is null && !All;

    public void Add(IEnumerable<string> streams)
    {
        if (All)
        {
            return;
        }

        _streams ??= [];
        _streams.UnionWith(streams);
        if (_streams.Count > limit)
        {
            AddAll();
        }
    }

    public void AddAll()
    {
        All = true;
        _streams = null;
    }

    /// <summary>Adds what an earlier <see cref="Take"/> returned (its work failed, to be tried again).</summary>
    public void Add((IReadOnlyCollection<string> Streams, bool All) taken)
    {
        if (taken.All)
        {
            AddAll();
        }
        else
        {
            Add(taken.Streams);
        }
    }

    /// <summary>Empties the set, returning what it held.</summary>
    public (IReadOnlyCollection<string> Streams, bool All) Take()
    {
        var taken = ((IReadOnlyCollection<string>?)_streams ?? [], All);
        (_streams, All) = (null, false);
        return taken;
    }
}
