using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>
/// The end of a stream's replay (the gateway's <c>notification:replayed</c> event): every missed notification of the
/// stream has been delivered, in order; what follows is live. Says where the client now stands, and whether the
/// position it gave could not be honoured.
/// </summary>
public sealed record StreamReplay
{
    /// <summary>The stream (<see cref="NotificationStreamId.ToString"/>).</summary>
    [JsonPropertyName("stream")]
    public required string Stream { get; init; }

    /// <summary>The position of the last notification delivered (the client's position now).</summary>
    [JsonPropertyName("position")]
    public long Position { get; init; }

    /// <summary>How many notifications the replay delivered.</summary>
    [JsonPropertyName("count")]
    public int Count { get; init; }

    /// <summary>
    /// The given position was not one of the stream (beyond its head, or negative): the replay started from the oldest
    /// retained notification instead. A client should treat what it holds of the stream as stale.
    /// </summary>
    [JsonPropertyName("reset")]
    public bool Reset { get; init; }

    /// <summary>Retention had already removed some of the missed notifications: the replay started from the oldest retained one.</summary>
    [JsonPropertyName("truncated")]
    public bool Truncated { get; init; }
}
