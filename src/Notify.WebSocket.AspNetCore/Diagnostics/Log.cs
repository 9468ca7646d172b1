using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.AspNetCore.Diagnostics;

/// <summary>Source-generated log messages of the SignalR gateway. Event ids 3xxx.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Refused gateway connection {ConnectionId}: no user id and tenant id claims")]
    public static partial void ConnectionRefused(ILogger logger, string connectionId);

    [LoggerMessage(3002, LogLevel.Debug, "Gateway connection {ConnectionId} opened for tenant {TenantId}, user {UserId}")]
    public static partial void Connected(ILogger logger, string connectionId, string tenantId, string? userId);

    [LoggerMessage(3003, LogLevel.Debug, "Gateway connection {ConnectionId} of tenant {TenantId} closed")]
    public static partial void Disconnected(ILogger logger, string connectionId, string tenantId);

    [LoggerMessage(3004, LogLevel.Warning, "Denied channel {Channel} to user {UserId} of tenant {TenantId}")]
    public static partial void ChannelDenied(ILogger logger, string tenantId, string? userId, string channel);

    [LoggerMessage(3005, LogLevel.Warning, "Gateway connection {ConnectionId} of tenant {TenantId} exceeded its channel request rate")]
    public static partial void ChannelRequestsRateLimited(ILogger logger, string connectionId, string tenantId);

    [LoggerMessage(3006, LogLevel.Warning, "Tenant {TenantId} exceeded its gateway send rate")]
    public static partial void TenantSendRateLimited(ILogger logger, string tenantId);

    [LoggerMessage(3007, LogLevel.Warning, "Redis presence is unavailable; counting this instance's connections only")]
    public static partial void RedisPresenceFailed(ILogger logger, Exception exception);
}
