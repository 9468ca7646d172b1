namespace Notify.WebSocket;

/// <summary>The outcome of a send.</summary>
public sealed record SendResult
{
    private static readonly IReadOnlyDictionary<string, object?> EmptyMetadata = new Dictionary<string, object?>();

    /// <summary>Whether the notification was delivered (or, with acknowledgments, acknowledged).</summary>
    public bool Success { get; init; }

    /// <summary>The notification id.</summary>
    public required string MessageId { get; init; }

    /// <summary>When the send completed (UTC).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Facts about the delivery, for example <c>deliveredConnections</c> in internal mode.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = EmptyMetadata;

    /// <summary>Why it failed; <see langword="null"/> on success.</summary>
    public WebSocketNotificationError? Error { get; init; }

    /// <summary>A successful result.</summary>
    /// <param name="messageId">The notification id.</param>
    /// <param name="timestamp">When it completed.</param>
    /// <param name="metadata">Facts about the delivery.</param>
    /// <returns>The result.</returns>
    public static SendResult Succeeded(string messageId, DateTimeOffset timestamp, IReadOnlyDictionary<string, object?>? metadata = null) =>
        new() { Success = true, MessageId = messageId, Timestamp = timestamp, Metadata = metadata ?? EmptyMetadata };

    /// <summary>A failed result.</summary>
    /// <param name="messageId">The notification id.</param>
    /// <param name="timestamp">When it failed.</param>
    /// <param name="error">Why.</param>
    /// <param name="metadata">Facts about the attempt.</param>
    /// <returns>The result.</returns>
    public static SendResult Failed(string messageId, DateTimeOffset timestamp, WebSocketNotificationError error, IReadOnlyDictionary<string, object?>? metadata = null) =>
        new() { Success = false, MessageId = messageId, Timestamp = timestamp, Error = error, Metadata = metadata ?? EmptyMetadata };
}
