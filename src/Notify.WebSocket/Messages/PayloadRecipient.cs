using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>The <c>recipient</c> object of a <see cref="NotificationPayload"/>.</summary>
public sealed record PayloadRecipient
{
    /// <summary>The user, for a user notification.</summary>
    [JsonPropertyName("userId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UserId { get; init; }

    /// <summary>The channel, for a broadcast.</summary>
    [JsonPropertyName("channel")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Channel { get; init; }
}
