using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// One accepted message and which of its strategies have already handled it: with <c>all</c>, a message whose webhook
/// and database succeeded but whose publish to an added strategy failed is retried for that strategy only.
/// </summary>
internal sealed class SpoolEntry(string owner, IncomingMessage message, IEnumerable<string>? done = null, int attempts = 0)
{
    // A handful of strategy names at most: an array replaced on each change (one small allocation per strategy that
    // finishes) is cheaper on the hot path than a set per message, and is read without a lock.
    private string[] _done = done is null ? [] : [.. done.Distinct(StringComparer.OrdinalIgnoreCase)];

    public string Owner { get; } = owner;

    public IncomingMessage Message { get; } = message;

    public SpoolKey Key => new(Owner, Message.Id);

    public int Attempts { get; set; } = attempts;

    public bool IsDone(string strategy) => Contains(Volatile.Read(ref _done), strategy);

    public void MarkDone(string strategy)
    {
        lock (this)
        {
            if (!Contains(_done, strategy))
            {
                Volatile.Write(ref _done, [.. _done, strategy]);
            }
        }
    }

    /// <summary>The completed strategies, as stored: names joined by commas.</summary>
    public string DoneList() => string.Join(',', Volatile.Read(ref _done).Order(StringComparer.Ordinal));

    private static bool Contains(string[] done, string strategy)
    {
        foreach (var name in done)
        {
            if (string.Equals(name, strategy, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
