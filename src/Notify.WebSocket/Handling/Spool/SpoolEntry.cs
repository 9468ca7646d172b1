using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// One accepted message and which of its strategies have already handled it: with <c>all</c>, a message whose webhook
/// and database succeeded but whose publish to an added strategy failed is retried for that strategy only.
/// </summary>
internal sealed class SpoolEntry(string owner, IncomingMessage message, IEnumerable<string>? done = null, int attempts = 0)
{
    private readonly HashSet<string> _done = new(done ?? [], StringComparer.OrdinalIgnoreCase);

    public string Owner { get; } = owner;

    public IncomingMessage Message { get; } = message;

    public SpoolKey Key => new(Owner, Message.Id);

    public int Attempts { get; set; } = attempts;

    public bool IsDone(string strategy)
    {
        lock (_done)
        {
            return _done.Contains(strategy);
        }
    }

    public void MarkDone(string strategy)
    {
        lock (_done)
        {
            _done.Add(strategy);
        }
    }

    /// <summary>The completed strategies, as stored: names joined by commas.</summary>
    public string DoneList()
    {
        lock (_done)
        {
            return string.Join(',', _done.Order(StringComparer.Ordinal));
        }
    }
}
