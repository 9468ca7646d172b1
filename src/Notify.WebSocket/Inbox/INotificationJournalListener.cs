namespace Notify.WebSocket;

/// <summary>
/// Hears what the <see cref="NotificationJournal"/> stored and what changed in inboxes, to deliver it: the gateways
/// subscribe one to fan notifications out to their connections (and to other instances).
/// </summary>
public interface INotificationJournalListener
{
    /// <summary>
    /// Called with every committed batch, in commit order (so in position order per stream), before the sends that
    /// stored them return. Keep it quick; it delays the next batch. An exception is logged and does not fail the sends.
    /// </summary>
    /// <param name="entries">The notifications stored (duplicates of ones stored earlier are not repeated).</param>
    /// <param name="cancellationToken">Cancelled when the journal shuts down.</param>
    /// <returns>A task that completes when the entries are handed on.</returns>
    ValueTask OnStoredAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Called when a user's inbox state changed (read, unread, archived), for the user's connections to follow; one
    /// user's changes are called in order. A <see cref="InboxChangeKind.Refresh"/> (from <see cref="NotificationJournal.RefreshAsync"/>)
    /// is for this process's connections only: do not forward it to other instances.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="change">The change, with the unread count after it.</param>
    void OnInboxChanged(string tenantId, string userId, InboxChange change);
}
