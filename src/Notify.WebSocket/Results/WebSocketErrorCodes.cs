namespace Notify.WebSocket;

/// <summary>The error codes carried by <see cref="WebSocketNotificationError"/> and <see cref="WebSocketNotificationException"/>.</summary>
public static class WebSocketErrorCodes
{
    /// <summary>The connection could not be opened or was lost (including exhausted reconnection attempts).</summary>
    public const string ConnectionError = "WEBSOCKET_CONNECTION_ERROR";

    /// <summary>A connect, acknowledgment or query timed out.</summary>
    public const string Timeout = "WEBSOCKET_TIMEOUT";

    /// <summary>The server refused the credentials (HTTP 401/403 or a rejected Socket.IO handshake).</summary>
    public const string AuthError = "WEBSOCKET_AUTH_ERROR";

    /// <summary>The provider is disabled, or the operation is not available in its configuration.</summary>
    public const string NotConfigured = "WEBSOCKET_NOT_CONFIGURED";

    /// <summary>Any other failure.</summary>
    public const string Error = "WEBSOCKET_ERROR";

    /// <summary>A channel send while <c>supportChannelBroadcast</c> is false.</summary>
    public const string ChannelBroadcastDisabled = "WEBSOCKET_CHANNEL_BROADCAST_DISABLED";

    /// <summary>
    /// Nobody was connected to receive the notification (only when <c>failWhenRecipientOffline</c> is on). Retryable
    /// without the notification inbox; with it, not retryable: the notification was stored and reaches the recipient
    /// when they connect.
    /// </summary>
    public const string RecipientOffline = "WEBSOCKET_RECIPIENT_OFFLINE";

    /// <summary>The send queue was full while the connection was down.</summary>
    public const string QueueFull = "WEBSOCKET_QUEUE_FULL";

    /// <summary>A rate limit refused the send.</summary>
    public const string RateLimited = "WEBSOCKET_RATE_LIMITED";

    /// <summary>
    /// The data of a send or query, or a query's response, cannot be converted with
    /// <see cref="WebSocketNotificationsJsonOptions.PayloadSerializerOptions"/> (under Native AOT: its type is missing
    /// from the resolver chain). Not retryable.
    /// </summary>
    public const string SerializationError = "WEBSOCKET_SERIALIZATION_ERROR";

    /// <summary>
    /// The notification inbox is on and its store could not take the notification (the database is down, locked or
    /// full): the send did not happen and nothing was stored. Retryable; a send retried with the same message id is
    /// stored once.
    /// </summary>
    public const string StoreUnavailable = "WEBSOCKET_STORE_UNAVAILABLE";
}
