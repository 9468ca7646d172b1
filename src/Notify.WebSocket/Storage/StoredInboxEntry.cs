namespace Notify.WebSocket.Storage;

/// <summary>A notification in one user's inbox, with that user's state of it.</summary>
/// <param name="Notification">The notification.</param>
/// <param name="Read">Whether the user has read it.</param>
/// <param name="Archived">Whether the user has archived it.</param>
public sealed record StoredInboxEntry(StoredNotification Notification, bool Read, bool Archived);
