namespace Notify.WebSocket.Kafka;

/// <summary>The headers of every record the Kafka strategy publishes (UTF-8 values).</summary>
public static class KafkaHeaders
{
    /// <summary>The event name.</summary>
    public const string Event = "event";

    /// <summary>The tenant whose provider received the message.</summary>
    public const string TenantId = "tenant-id";

    /// <summary>The message id. Delivery is at least once: deduplicate by it.</summary>
    public const string MessageId = "message-id";

    /// <summary><c>application/json</c>: the value is the webhook payload <c>{ event, data, timestamp, metadata, source }</c>.</summary>
    public const string ContentType = "content-type";
}
