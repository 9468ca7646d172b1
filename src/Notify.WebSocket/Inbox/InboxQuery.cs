namespace Notify.WebSocket;

/// <summary>Which page of an inbox to list, and how.</summary>
public sealed record InboxQuery
{
    /// <summary>The most a page may hold.</summary>
    public const int MaxLimit = 200;

    /// <summary>How many notifications per page, 1 to <see cref="MaxLimit"/>. Default 20.</summary>
    public int Limit { get; init; } = 20;

    /// <summary>Where to start: the <see cref="InboxPage.NextCursor"/> of the page before; null for the newest.</summary>
    public string? Cursor { get; init; }

    /// <summary>Only unread notifications.</summary>
    public bool UnreadOnly { get; init; }

    /// <summary>Only the notifications of this channel (broadcasts the user received as a member); null for all.</summary>
    public string? Channel { get; init; }

    /// <summary>Archived notifications instead of the inbox (which leaves them out). Default false.</summary>
    public bool Archived { get; init; }
}
