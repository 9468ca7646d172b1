using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// One accepted message and which of its strategies have already handled it: with <c>all</c>, a message whose webhook
/// and database succeeded but whose publish to an added strategy failed is retried for that strategy only.
/// </summary>
internal sealed class SpoolEntry(string owner, IncomingMessage message, IEnumerable<string>? done = null, int attempts = 0)
{
    // A handful of strategy names at most, and none for most of a message's life: a list made on first use costs a
    // fraction of a set per message on the hot path.
    private List<string>? _done = done?.Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public string Owner { get; } = owner;

    public IncomingMessage Message { get; } = message;

    public SpoolKey Key => new(Owner, Message.Id);

    public int Attempts { get; set; } = attempts;

    public bool IsDone(string strategy)
    {
        lock (this)
        {
            return Contains(strategy);
        }
    }

    public void MarkDone(string strategy)
    {
        lock (this)
        {
            if (!Contains(strategy))
            {
                (_done ??= new List<string>(1)).Add(strategy);
            }
        }
    }

    /// <summary>The completed strategies, as stored: names joined by commas.</summary>
    public string DoneList()
    {
        lock (this)
        {
            return _done is null ? string.Empty : string.Join(',', _done.Order(StringComparer.Ordinal));
        }
    }

    private bool Contains(string strategy)
    {
        if (_done is null)
        {
            return false;
        }

        foreach (var done in _done)
        {
            if (string.Equals(done, strategy, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
