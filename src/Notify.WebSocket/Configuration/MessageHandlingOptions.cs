namespace Notify.WebSocket;

/// <summary>What happens to incoming messages (<c>messageHandling</c>).</summary>
public sealed class MessageHandlingOptions
{
    /// <summary>One of <see cref="MessageHandlingStrategies"/>. Default <c>none</c>.</summary>
    public string Strategy { get; set; } = MessageHandlingStrategies.None;

    /// <summary>The webhook the callback strategy POSTs to.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>With <c>all</c>: include the database strategy.</summary>
    public bool StoreInDatabase { get; set; }

    /// <summary>With <c>all</c>: include the Kafka strategy.</summary>
    public bool PublishToKafka { get; set; }

    /// <summary>The topic the Kafka strategy publishes to. Default <c>websocket.incoming.messages</c>.</summary>
    public string KafkaTopic { get; set; } = WebSocketProviderDefaults.KafkaTopic;

    internal MessageHandlingOptions Clone() => (MessageHandlingOptions)MemberwiseClone();
}
