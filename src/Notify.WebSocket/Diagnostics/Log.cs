using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Diagnostics;

/// <summary>Source-generated log messages. Event ids: 1xxx providers, 2xxx registry and configuration, 3xxx external connections, 4xxx incoming messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Sent notification {MessageId} to {Target} for tenant {TenantId}: {Connections} connection(s)")]
    public static partial void Sent(ILogger logger, string messageId, string target, string tenantId, int connections);

    [LoggerMessage(1002, LogLevel.Warning, "Notification {MessageId} for tenant {TenantId} failed: {ErrorCode} {ErrorMessage} ({Suppressed} more with this code not logged since the last report; reported at most once a second)")]
    public static partial void SendFailed(ILogger logger, string messageId, string tenantId, string errorCode, string errorMessage, int suppressed);

    [LoggerMessage(2001, LogLevel.Information, "Created {Mode} provider {ProviderName} for tenant {TenantId}")]
    public static partial void ProviderCreated(ILogger logger, WebSocketMode mode, string providerName, string tenantId);

    [LoggerMessage(2002, LogLevel.Information, "Configuration of provider {ProviderName} changed for tenant {TenantId}; its provider will be recreated")]
    public static partial void ProviderInvalidated(ILogger logger, string providerName, string tenantId);

    [LoggerMessage(2003, LogLevel.Debug, "Opened pooled connection {PoolKey} ({Leases} lease(s))")]
    public static partial void PoolConnectionOpened(ILogger logger, string poolKey, int leases);

    [LoggerMessage(2004, LogLevel.Debug, "Closed pooled connection {PoolKey}: its last lease was released")]
    public static partial void PoolConnectionClosed(ILogger logger, string poolKey);

    [LoggerMessage(2005, LogLevel.Warning, "Disposing a replaced provider for tenant {TenantId} failed")]
    public static partial void ProviderDisposeFailed(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(2006, LogLevel.Warning, "Replacing provider {ProviderName} of tenant {TenantId} after a configuration change failed; the next call tries again")]
    public static partial void ProviderReplacementFailed(ILogger logger, Exception exception, string providerName, string tenantId);

    [LoggerMessage(2007, LogLevel.Warning, "The configuration section {Path} given for provider {ProviderName} does not exist: it runs on the defaults (internal mode). If that is not meant, check the path's spelling (the usual one is Notifications:WebSocket)")]
    public static partial void ConfigurationSectionMissing(ILogger logger, string path, string providerName);

    [LoggerMessage(2008, LogLevel.Warning, "Provider {ProviderName} has messageHandling:strategy \"{Strategy}\" with enableReceiving false (tenant(s) {Tenants}): nothing is received, so the strategy never runs. Set enableReceiving to true, with the events in subscribeToEvents, or remove the strategy")]
    public static partial void StrategyWithoutReceiving(ILogger logger, string providerName, string strategy, string tenants);

    [LoggerMessage(2009, LogLevel.Warning, "Webhooks of provider {ProviderName} (tenant(s) {Tenants}) go out unsigned: messageHandling:callbackSecret is not set, so the receiver cannot tell them from forged requests. Set callbackSecret to a random string shared with the receiver, which checks X-Signature")]
    public static partial void WebhookUnsigned(ILogger logger, string providerName, string tenants);

    [LoggerMessage(3001, LogLevel.Information, "Connected to {Endpoint}")]
    public static partial void Connected(ILogger logger, string endpoint);

    [LoggerMessage(3002, LogLevel.Warning, "Connection to {Endpoint} lost: {Reason}")]
    public static partial void Disconnected(ILogger logger, string endpoint, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Reconnecting to {Endpoint}: attempt {Attempt} in {DelayMs} ms")]
    public static partial void Reconnecting(ILogger logger, string endpoint, int attempt, long delayMs);

    [LoggerMessage(3004, LogLevel.Error, "Max reconnection attempts ({Attempts}) reached for {Endpoint}; the connection has failed")]
    public static partial void MaxReconnectionAttempts(ILogger logger, int attempts, string endpoint);

    [LoggerMessage(3005, LogLevel.Error, "The server {Endpoint} refused the connection: {Reason}. Trying again after maxReconnectionDelay, or at the next send after that")]
    public static partial void ConnectRefused(ILogger logger, string endpoint, string reason);

    [LoggerMessage(3006, LogLevel.Warning, "Writing to {Endpoint} failed; the message will be sent after the reconnect")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(3007, LogLevel.Warning, "Dropped an incoming frame from {Endpoint}: {Reason} ({Dropped} dropped since the last report)")]
    public static partial void FrameDropped(ILogger logger, string endpoint, string reason, int dropped);

    [LoggerMessage(3008, LogLevel.Warning, "No heartbeat from {Endpoint} within {DeadlineMs} ms; treating the connection as dead")]
    public static partial void HeartbeatMissed(ILogger logger, string endpoint, long deadlineMs);

    [LoggerMessage(3009, LogLevel.Warning, "The server {Endpoint} reported an error: {Message}")]
    public static partial void ServerError(ILogger logger, string endpoint, string message);

    [LoggerMessage(3010, LogLevel.Warning, "enableCompression has no effect with the Socket.IO polling transport; it applies to the websocket transport only ({Endpoint})")]
    public static partial void CompressionIgnored(ILogger logger, string endpoint);

    [LoggerMessage(3011, LogLevel.Information, "Trying {Endpoint} again after giving up ({Reason})")]
    public static partial void Recovering(ILogger logger, string endpoint, string reason);

    [LoggerMessage(3012, LogLevel.Warning, "A connection state handler for {Source} threw")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(3013, LogLevel.Information, "Reconnecting to {Endpoint} with rotated credentials")]
    public static partial void ReconnectingForCredentials(ILogger logger, string endpoint);

    [LoggerMessage(3014, LogLevel.Error, "The reconnection policy for {Endpoint} threw; the default backoff decides this attempt")]
    public static partial void ReconnectionPolicyFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(3015, LogLevel.Warning, "The authentication strategy for {Endpoint} failed; the attempt is retried")]
    public static partial void AuthStrategyFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(3016, LogLevel.Warning, "An event {Event} from {Endpoint} arrived with no provider listening on the connection; dropped ({Dropped} since the last report)")]
    public static partial void EventWithoutSubscriber(ILogger logger, string @event, string endpoint, int dropped);

    [LoggerMessage(3017, LogLevel.Debug, "An event {Event} from {Endpoint} is not in subscribeToEvents; ignored ({Dropped} since the last report)")]
    public static partial void EventNotSubscribed(ILogger logger, string @event, string endpoint, int dropped);

    [LoggerMessage(3019, LogLevel.Information, "An attempt to connect to {Endpoint} failed after its credentials were replaced ({Reason}); trying again at once with the new ones")]
    public static partial void AttemptWithReplacedCredentialsFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(3018, LogLevel.Error, "The reconnection policy gave up on {Endpoint} after {Attempts} reconnection attempt(s); the connection has failed")]
    public static partial void ReconnectionPolicyGaveUp(ILogger logger, string endpoint, int attempts);

    [LoggerMessage(4001, LogLevel.Warning, "Incoming message {MessageId} ({Event}) for tenant {TenantId} was dropped: the handling queue is full and messageHandling:whenQueueFull is \"drop\" ({Dropped} dropped since the last report)")]
    public static partial void IncomingQueueFull(ILogger logger, string messageId, string @event, string tenantId, int dropped);

    [LoggerMessage(4002, LogLevel.Warning, "Strategy {Strategy} failed on incoming message {MessageId} ({Event}) for tenant {TenantId}")]
    public static partial void StrategyFailed(ILogger logger, Exception exception, string strategy, string messageId, string @event, string tenantId);

    [LoggerMessage(4003, LogLevel.Debug, "Strategy {Strategy} handled incoming message {MessageId} ({Event})")]
    public static partial void StrategyHandled(ILogger logger, string strategy, string messageId, string @event);
}
