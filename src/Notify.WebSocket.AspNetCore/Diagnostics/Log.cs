using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.AspNetCore.Diagnostics;

/// <summary>
/// Source-generated log messages of the gateway. Event ids 3xxx (gateway). Warnings that a client or an outage can
/// repeat at will are throttled (<see cref="LogThrottle"/>) and say how many were not logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Refused gateway connection {ConnectionId} of tenant {TenantId}: {Reason} ({Suppressed} more refused connections not logged since the last report)")]
    public static partial void ConnectionRefused(ILogger logger, string connectionId, string tenantId, string reason, int suppressed);

    [LoggerMessage(3002, LogLevel.Debug, "Gateway connection {ConnectionId} opened for tenant {TenantId}, user {UserId}")]
    public static partial void Connected(ILogger logger, string connectionId, string tenantId, string? userId);

    [LoggerMessage(3003, LogLevel.Debug, "Gateway connection {ConnectionId} of tenant {TenantId} closed")]
    public static partial void Disconnected(ILogger logger, string connectionId, string tenantId);

    [LoggerMessage(3004, LogLevel.Warning, "Refused {Request} of gateway connection {ConnectionId} (tenant {TenantId}, user {UserId}): {Reason}, channel {Channel} ({Suppressed} more refusals of this connection not logged since the last report)")]
    public static partial void RequestRefused(ILogger logger, string request, string connectionId, string tenantId, string? userId, string reason, string? channel, int suppressed);

    [LoggerMessage(3005, LogLevel.Warning, "Gateway connection {ConnectionId} (tenant {TenantId}, user {UserId}) closed with {Unlogged} refusals not logged")]
    public static partial void UnloggedRefusals(ILogger logger, string connectionId, string tenantId, string? userId, int unlogged);

    [LoggerMessage(3006, LogLevel.Warning, "Tenant {TenantId} exceeded its gateway send rate ({Limit}) ({Suppressed} more refused sends of this tenant not logged since the last report)")]
    public static partial void TenantSendRateLimited(ILogger logger, string tenantId, string limit, int suppressed);

    [LoggerMessage(3007, LogLevel.Warning, "Redis presence is unavailable; counting this instance's connections only ({Suppressed} more failures not logged since the last report)")]
    public static partial void RedisPresenceFailed(ILogger logger, Exception exception, int suppressed);

    [LoggerMessage(3008, LogLevel.Debug, "Gateway connection {ConnectionId} of tenant {TenantId}, user {UserId}: authentication expired; closing it")]
    public static partial void AuthenticationExpired(ILogger logger, string connectionId, string tenantId, string? userId);

    [LoggerMessage(3009, LogLevel.Warning, "The distributed rate limiter (Redis) is unavailable; limiting on this instance only ({Suppressed} more failures not logged since the last report)")]
    public static partial void RateLimiterFailed(ILogger logger, Exception exception, int suppressed);

    [LoggerMessage(3010, LogLevel.Warning, "Sending the {Event} event to gateway connection {ConnectionId} failed")]
    public static partial void SendToClientFailed(ILogger logger, Exception exception, string @event, string connectionId);

    [LoggerMessage(3011, LogLevel.Warning, "Replaying stream {Stream} to gateway connection {ConnectionId} failed")]
    public static partial void ReplayFailed(ILogger logger, Exception exception, string stream, string connectionId);

    [LoggerMessage(3012, LogLevel.Warning, "The inbox backplane (Redis) failed; other instances' followers catch up from the store when it is back ({Suppressed} more failures not logged since the last report)")]
    public static partial void InboxBackplaneFailed(ILogger logger, Exception exception, int suppressed);

    [LoggerMessage(3013, LogLevel.Information, "The inbox backplane subscribed to {Channel} after {Attempts} attempts; every connection reads what it missed from the store")]
    public static partial void InboxBackplaneSubscribed(ILogger logger, string channel, int attempts);

    [LoggerMessage(3014, LogLevel.Warning, "Telling connections here to read their inbox again after a backplane outage failed; retried with backoff while the store is unavailable ({Suppressed} more failures not logged since the last report)")]
    public static partial void InboxRefreshFailed(ILogger logger, Exception exception, int suppressed);

    [LoggerMessage(3015, LogLevel.Debug, "Gateway connection {ConnectionId} of tenant {TenantId}: the user is a member of {Members} channels; only {Limit} (maxChannelsPerConnection) were joined again at connect")]
    public static partial void RejoinLimited(ILogger logger, string connectionId, string tenantId, int members, int limit);

    [LoggerMessage(3016, LogLevel.Warning, "Gateway connection {ConnectionId} of tenant {TenantId}: joining the user's channels again at connect failed; the client can join them itself")]
    public static partial void RejoinFailed(ILogger logger, Exception exception, string connectionId, string tenantId);

    [LoggerMessage(3101, LogLevel.Warning, "Socket.IO: closed or refused session {SessionId}: {Reason} ({Suppressed} more protocol errors not logged since the last report)")]
    public static partial void SocketIoProtocolError(ILogger logger, string reason, string sessionId, int suppressed);

    [LoggerMessage(3102, LogLevel.Error, "Socket.IO: handling a packet of session {SessionId} failed; the session is closed")]
    public static partial void SocketIoHandlerFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(3103, LogLevel.Warning, "Socket.IO Redis adapter: a message on {Channel} could not be read and was dropped ({Suppressed} more not logged since the last report)")]
    public static partial void SocketIoAdapterBadMessage(ILogger logger, string channel, int suppressed);

    [LoggerMessage(3104, LogLevel.Warning, "Socket.IO Redis adapter: publishing to Redis failed; the broadcast reached this instance's clients only ({Suppressed} more failures not logged since the last report)")]
    public static partial void SocketIoAdapterPublishFailed(ILogger logger, Exception exception, int suppressed);

    [LoggerMessage(3105, LogLevel.Warning, "Socket.IO Redis adapter: subscribing to the other instances' broadcasts failed; tried again with a capped backoff, and meanwhile they reach this instance's clients only from this instance ({Suppressed} more failures not logged since the last report)")]
    public static partial void SocketIoAdapterSubscribeFailed(ILogger logger, Exception exception, int suppressed);

    [LoggerMessage(3106, LogLevel.Information, "Socket.IO Redis adapter: subscribed to {Channel} after {Attempts} attempts; broadcasts published meanwhile did not reach this instance")]
    public static partial void SocketIoAdapterSubscribed(ILogger logger, string channel, int attempts);
}
