namespace Notify.WebSocket.Storage;

/// <summary>One page of an inbox, newest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="NextCursor">Where the next (older) page starts, as <see cref="InboxQuery.Cursor"/>; null after the last page.</param>
public sealed record StoredInboxPage(IReadOnlyList<StoredInboxEntry> Entries, string? NextCursor)
{
    /// <summary>
    /// The heads of the user's streams (as <see cref="INotificationStore.GetHeadsAsync"/> gives them) read in the same
    /// snapshot as <see cref="Entries"/>, when the store can: a client that connects with them replays exactly what was
    /// stored after the page. Null when the store does not give them; the inbox then reads the heads before the page,
    /// and a client may replay a few notifications the page already holds.
    /// </summary>
    public IReadOnlyList<StreamPosition>? Heads { get; init; }
}
