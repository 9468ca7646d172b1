namespace Notify.WebSocket.Storage;

/// <summary>
/// One open spool (see <see cref="IMessageSpoolStore"/>): messages by owner and id, each with the progress the pipeline
/// recorded for it. The pipeline never calls one instance from two threads at once, and batches its writes: each
/// <see cref="Apply"/> call is one transaction, so its durability is one commit.
/// </summary>
public interface IMessageSpool : IDisposable
{
    /// <summary>
    /// Applies one batch atomically: the removals, then the progress updates, then the inserts, each insert only while
    /// the spool holds fewer than <paramref name="capacity"/> messages (counting every owner). When this returns, the
    /// batch is durable.
    /// </summary>
    /// <param name="inserts">New messages.</param>
    /// <param name="updates">New progress of pending messages.</param>
    /// <param name="removals">Messages every strategy has handled.</param>
    /// <param name="capacity">How many messages the spool may hold (<c>spoolCapacity</c>).</param>
    /// <returns>Per insert, in order: stored, a duplicate of a message still pending for the same owner (not stored again), or refused because the spool is full.</returns>
    IReadOnlyList<SpoolInsertOutcome> Apply(IReadOnlyList<SpoolInsert> inserts, IReadOnlyList<SpoolUpdate> updates, IReadOnlyList<SpoolKey> removals, long capacity);

    /// <summary>The pending messages of one owner, oldest first.</summary>
    /// <param name="owner">The owner.</param>
    /// <returns>The messages, with the progress last recorded for each.</returns>
    IReadOnlyList<SpooledMessage> ReadPending(string owner);

    /// <summary>Whether one owner has pending messages.</summary>
    /// <param name="owner">The owner.</param>
    /// <returns><see langword="true"/> when at least one is pending.</returns>
    bool HasPending(string owner);
}
