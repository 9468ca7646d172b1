using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>
/// The notification as receivers see it on the wire:
/// <c>{ id, subject, body, htmlBody?, data?, recipient: { userId?, channel? }, timestamp, stream?, position? }</c>.
/// <c>stream</c> and <c>position</c> are set when the notification inbox stored it: clients keep the last position
/// they saw per stream and give it back when they connect, to receive what they missed.
/// </summary>
public sealed record NotificationPayload
{
    /// <summary>The notification id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("subject")]
    public string? Subject { get; init; }

    /// <summary>The plain-text body.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>The optional HTML body.</summary>
    [JsonPropertyName("htmlBody")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HtmlBody { get; init; }

    /// <summary>The optional structured data.</summary>
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Data { get; init; }

    /// <summary>Who it was sent to.</summary>
    [JsonPropertyName("recipient")]
    public required PayloadRecipient Recipient { get; init; }

    /// <summary>When it was sent (UTC, serialized as ISO-8601).</summary>
    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The stream it was stored in (<see cref="NotificationStreamId.ToString"/>); null when it was not stored.</summary>
    [JsonPropertyName("stream")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Stream { get; init; }

    /// <summary>Its position in <see cref="Stream"/> (1, 2, 3 …); null when it was not stored.</summary>
    [JsonPropertyName("position")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Position { get; init; }

    /// <summary>Builds the payload of a message.</summary>
    /// <param name="id">The notification id.</param>
    /// <param name="recipient">The recipient.</param>
    /// <param name="content">The content.</param>
    /// <param name="timestamp">The send time.</param>
    /// <returns>The payload.</returns>
    public static NotificationPayload Create(string id, NotificationRecipient recipient, NotificationContent content, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(content);
        return new NotificationPayload
        {
            Id = id,
            Subject = content.Subject,
            Body = content.Body,
            HtmlBody = content.HtmlBody,
            Data = content.Data,
            Recipient = new PayloadRecipient { UserId = recipient.UserId, Channel = recipient.Channel },
            Timestamp = timestamp,
        };
    }
}
