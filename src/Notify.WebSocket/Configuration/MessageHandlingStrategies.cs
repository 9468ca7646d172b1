namespace Notify.WebSocket;

/// <summary>The <c>messageHandling.strategy</c> values.</summary>
public static class MessageHandlingStrategies
{
    /// <summary>Incoming messages only reach <see cref="IWebSocketProvider.ReceiveAsync(CancellationToken)"/>.</summary>
    public const string None = "none";

    /// <summary>POST each message to <c>callbackUrl</c>.</summary>
    public const string Callback = "callback";

    /// <summary>Store each message in the notifications table.</summary>
    public const string Database = "database";

    /// <summary>Publish each message to <c>kafkaTopic</c>.</summary>
    public const string Kafka = "kafka";

    /// <summary>Run every configured strategy concurrently.</summary>
    public const string All = "all";
}
