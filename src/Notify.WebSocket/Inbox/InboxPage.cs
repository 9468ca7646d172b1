using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>One page of a user's inbox, newest first.</summary>
public sealed record InboxPage
{
    /// <summary>The notifications.</summary>
    [JsonPropertyName("items")]
    public required IReadOnlyList<InboxItem> Items { get; init; }

    /// <summary>Give it as <see cref="InboxQuery.Cursor"/> for the next (older) page; null after the last one.</summary>
    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }

    /// <summary>
    /// The head position of every stream of the inbox when the page was read, by stream id: a client that shows this
    /// page connects with these positions and receives, in order, everything stored after it read the page.
    /// </summary>
    [JsonPropertyName("positions")]
    public required IReadOnlyDictionary<string, long> Positions { get; init; }
}
