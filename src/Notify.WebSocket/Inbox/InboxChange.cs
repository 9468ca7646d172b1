using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>
/// A change of a user's read or archived state and the unread count after it. Every connection of the user receives
/// it (the gateway's <c>inbox:updated</c> event, on every device), so their other devices follow at once.
/// </summary>
public sealed record InboxChange
{
    /// <summary>What changed.</summary>
    [JsonPropertyName("kind")]
    public required InboxChangeKind Kind { get; init; }

    /// <summary>The notifications changed by id (those in the inbox); empty for <see cref="InboxChangeKind.ReadThrough"/>, <see cref="InboxChangeKind.ReadAll"/> and <see cref="InboxChangeKind.Refresh"/>.</summary>
    [JsonPropertyName("ids")]
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>For <see cref="InboxChangeKind.ReadThrough"/>: the stream.</summary>
    [JsonPropertyName("stream")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Stream { get; init; }

    /// <summary>For <see cref="InboxChangeKind.ReadThrough"/>: the last position marked read.</summary>
    [JsonPropertyName("position")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Position { get; init; }

    /// <summary>
    /// For <see cref="InboxChangeKind.ReadAll"/>: each stream of the user's inbox (stream id) and the last position marked
    /// read in it, its head when the change was made. What was stored after it stays unread, also when it reaches a
    /// device before this change does.
    /// </summary>
    [JsonPropertyName("positions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? Positions { get; init; }

    /// <summary>The user's unread count after the change.</summary>
    [JsonPropertyName("unreadCount")]
    public long UnreadCount { get; init; }
}
