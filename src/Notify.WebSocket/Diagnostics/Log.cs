using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Diagnostics;

/// <summary>Source-generated log messages. Event ids: 1xxx providers, 2xxx registry and configuration.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Sent notification {MessageId} to {Target} for tenant {TenantId}: {Connections} connection(s)")]
    public static partial void Sent(ILogger logger, string messageId, string target, string tenantId, int connections);

    [LoggerMessage(1002, LogLevel.Warning, "Notification {MessageId} for tenant {TenantId} failed: {ErrorCode} {ErrorMessage}")]
    public static partial void SendFailed(ILogger logger, string messageId, string tenantId, string errorCode, string errorMessage);

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
}
