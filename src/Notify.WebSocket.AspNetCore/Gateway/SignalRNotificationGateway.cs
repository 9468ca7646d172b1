using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.RateLimiting;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// The <see cref="INotificationGateway"/> over SignalR: sends <c>notification:new</c> to the tenant-scoped group of a
/// user or channel through <see cref="IHubContext{THub}"/> (and so through the Redis backplane when it is on), after the
/// tenant's send rate limit. The count returned is the group's presence when the send was made: local connections, or
/// every instance's when presence is tracked in Redis. Delivery never depends on that count.
/// </summary>
internal sealed class SignalRNotificationGateway<THub>(
    IHubContext<THub> hubContext,
    IPresenceTracker presence,
    GatewayRateLimiters limiters,
    ILogger<SignalRNotificationGateway<THub>> logger) : INotificationGateway
    where THub : Hub
{
    public ValueTask<int> SendToUserAsync(string tenantId, string userId, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return SendAsync(tenantId, GroupNames.User(tenantId, userId), payload, cancellationToken);
    }

    public ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return SendAsync(tenantId, GroupNames.Channel(tenantId, channel), payload, cancellationToken);
    }

    private async ValueTask<int> SendAsync(string tenantId, string group, NotificationPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        using (var lease = limiters.AcquireSend(tenantId))
        {
            if (!lease.IsAcquired)
            {
                Log.TenantSendRateLimited(logger, tenantId);
                throw new WebSocketNotificationException(
                    WebSocketErrorCodes.RateLimited,
                    $"Tenant {tenantId} exceeded its gateway send rate ({limiters.SendLimitDescription}); retry later.",
                    retryable: true);
            }
        }

        var connections = await presence.CountAsync(group, cancellationToken).ConfigureAwait(false);
        await hubContext.Clients.Group(group).SendAsync(GatewayEvents.NotificationNew, payload, cancellationToken).ConfigureAwait(false);
        return connections;
    }
}
