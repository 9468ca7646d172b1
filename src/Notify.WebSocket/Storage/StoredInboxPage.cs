namespace Notify.WebSocket.Storage;

/// <summary>One page of an inbox, newest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="NextCursor">Where the next (older) page starts, as <see cref="InboxQuery.Cursor"/>; null after the last page.</param>
public sealed record StoredInboxPage(IReadOnlyList<StoredInboxEntry> Entries, string? NextCursor);
