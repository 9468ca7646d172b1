namespace Notify.WebSocket;

/// <summary>What an <see cref="InboxChange"/> did.</summary>
public enum InboxChangeKind
{
    /// <summary>Notifications marked read by id.</summary>
    Read,

    /// <summary>Notifications marked unread by id.</summary>
    Unread,

    /// <summary>Notifications archived by id.</summary>
    Archived,

    /// <summary>Notifications taken out of the archive by id.</summary>
    Unarchived,

    /// <summary>Everything up to a position of one stream marked read.</summary>
    ReadThrough,

    /// <summary>Everything in the inbox marked read.</summary>
    ReadAll,
}
