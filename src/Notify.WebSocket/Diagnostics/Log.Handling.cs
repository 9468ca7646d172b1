using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Diagnostics;

/// <summary>Incoming-message handling (41xx): pipeline, spool and the built-in strategies. Never logs a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(4101, LogLevel.Error, "Incoming message {MessageId} ({Event}) for tenant {TenantId} was rejected: the spool {SpoolPath} is full ({Capacity} messages); raise messageHandling:spoolCapacity or fix the failing sink")]
    public static partial void SpoolFull(ILogger logger, string messageId, string @event, string tenantId, string spoolPath, long capacity);

    [LoggerMessage(4102, LogLevel.Error, "Writing to the spool {SpoolPath} failed ({Failures} time(s) since the last report); {Count} message(s) wait in memory, the socket is read no further, and the write is retried in {DelayMs} ms")]
    public static partial void SpoolWriteFailed(ILogger logger, Exception exception, string spoolPath, int failures, int count, long delayMs);

    [LoggerMessage(4103, LogLevel.Information, "Resuming {Count} spooled incoming message(s) for tenant {TenantId} from {SpoolPath}")]
    public static partial void SpoolResumed(ILogger logger, int count, string tenantId, string spoolPath);

    [LoggerMessage(4104, LogLevel.Debug, "Retrying strategy {Strategy} for incoming message {MessageId} in {DelayMs} ms (attempt {Attempt})")]
    public static partial void StrategyRetryScheduled(ILogger logger, string strategy, string messageId, long delayMs, int attempt);

    [LoggerMessage(4105, LogLevel.Error, "Strategy {Strategy} rejected incoming message {MessageId} ({Event}) for tenant {TenantId} permanently; it will not be retried")]
    public static partial void StrategyRejected(ILogger logger, Exception exception, string strategy, string messageId, string @event, string tenantId);

    [LoggerMessage(4106, LogLevel.Warning, "The incoming pipeline of tenant {TenantId} stopped with {Count} message(s) still pending in {SpoolPath}; they are delivered when the pipeline starts again")]
    public static partial void PipelineStoppedWithPending(ILogger logger, string tenantId, int count, string spoolPath);

    [LoggerMessage(4107, LogLevel.Debug, "Incoming message {MessageId} is already pending in the spool; the duplicate is dropped")]
    public static partial void SpoolDuplicate(ILogger logger, string messageId);

    [LoggerMessage(4108, LogLevel.Debug, "Webhook for incoming message {MessageId} answered {StatusCode}")]
    public static partial void WebhookAnswered(ILogger logger, string messageId, int statusCode);

    [LoggerMessage(4109, LogLevel.Information, "Created the {Table} table in the {Provider} notifications database (if it did not exist)")]
    public static partial void NotificationsSchemaEnsured(ILogger logger, string table, string provider);

    [LoggerMessage(4111, LogLevel.Warning, "Strategy {Strategy} for tenant {TenantId} is still failing: {Failures} failed attempt(s) since the last report, failing for {Seconds} s; last error {ErrorType}: {ErrorMessage}")]
    public static partial void StrategyStillFailing(ILogger logger, string strategy, string tenantId, int failures, long seconds, string errorType, string errorMessage);

    [LoggerMessage(4112, LogLevel.Information, "Strategy {Strategy} for tenant {TenantId} recovered after {Seconds:0.0} s and {Failures} failed attempt(s); its messages are delivered again")]
    public static partial void StrategyRecovered(ILogger logger, string strategy, string tenantId, int failures, double seconds);

    [LoggerMessage(4110, LogLevel.Information, "Starting provider {ProviderName} for tenant {TenantId} at host start: it has incoming messages waiting in {SpoolPath}")]
    public static partial void SpoolRecovering(ILogger logger, string providerName, string tenantId, string spoolPath);
}
