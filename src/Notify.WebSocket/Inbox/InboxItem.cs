using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>A notification in a user's inbox, with the user's state of it.</summary>
public sealed record InboxItem
{
    /// <summary>The notification, with its <see cref="NotificationPayload.Stream"/> and <see cref="NotificationPayload.Position"/>.</summary>
    [JsonPropertyName("notification")]
    public required NotificationPayload Notification { get; init; }

    /// <summary>Whether the user has read it (on any device).</summary>
    [JsonPropertyName("read")]
    public bool Read { get; init; }

    /// <summary>Whether the user has archived it.</summary>
    [JsonPropertyName("archived")]
    public bool Archived { get; init; }
}
