namespace Notify.WebSocket.Storage;

/// <summary>A per-user mark on a notification in an inbox.</summary>
public enum InboxMark
{
    /// <summary>Read (or, cleared, unread).</summary>
    Read,

    /// <summary>Archived: out of the inbox list and the unread count unless asked for.</summary>
    Archived,
}
