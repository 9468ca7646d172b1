using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Inbox;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.RateLimiting;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// The <see cref="INotificationGateway"/> of the ASP.NET Core gateway: after the tenant's send limit, sends
/// <c>notification:new</c> to the tenant-scoped group of a user or channel through every transport's
/// <see cref="IGroupBroadcaster"/> (SignalR's goes through its Redis backplane when that is on). The count returned is
/// the group's presence when the send was made: this instance's connections, or every instance's when presence is
/// kept in Redis. Delivery never depends on that count. Channel names are compared in NFC, as clients joined them.
/// With the notification inbox on, a send is stored first (and fails with <c>WEBSOCKET_STORE_UNAVAILABLE</c> when it
/// cannot be) and reaches the connections through the inbox's followers instead of the groups.
/// </summary>
internal sealed class GatewayNotificationSender(
    IEnumerable<IGroupBroadcaster> broadcasters,
    IPresenceTracker presence,
    GatewayRateLimiters limiters,
    GatewayMetrics metrics,
    TimeProvider timeProvider,
    IOptions<SignalRGatewayOptions> options,
    GatewayInboxSlot inbox,
    ILogger<GatewayNotificationSender> logger) : INotificationGateway
{
    private const string UserTarget = "user";
    private const string ChannelTarget = "channel";

    private readonly IGroupBroadcaster[] _broadcasters = [.. broadcasters];
    private readonly ConcurrentDictionary<string, LogThrottle> _refusalLogs = new(StringComparer.Ordinal);

    public ValueTask<int> SendToUserAsync(string tenantId, string userId, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return SendAsync(tenantId, UserTarget, GroupNames.User(tenantId, userId), NotificationStreamId.ForUser(tenantId, userId), payload, cancellationToken);
    }

    public ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        var name = ChannelNames.Normalize(channel);
        return SendAsync(tenantId, ChannelTarget, GroupNames.Channel(tenantId, name), NotificationStreamId.ForChannel(tenantId, name), payload, cancellationToken);
    }

    private async ValueTask<int> SendAsync(string tenantId, string target, string group, NotificationStreamId stream, NotificationPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        if (!await limiters.TryAcquireSendAsync(tenantId, cancellationToken).ConfigureAwait(false))
        {
            throw Refused(tenantId);
        }

        var connections = await presence.CountAsync(group, cancellationToken).ConfigureAwait(false);
        if (inbox.Inbox is { } stored)
        {
            await stored.StoreAsync(stream, payload, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (var broadcaster in _broadcasters)
            {
                await broadcaster.SendToGroupAsync(group, GatewayEvents.NotificationNew, payload, cancellationToken).ConfigureAwait(false);
            }
        }

        metrics.Sent(tenantId, target, connections);
        return connections;
    }

    /// <summary>Counts the refusal and logs it at most once per interval per tenant; the provider turns the exception into a failed result.</summary>
    private WebSocketNotificationException Refused(string tenantId)
    {
        metrics.Refused(tenantId, RefusalReasons.SendRateLimited);
        var log = _refusalLogs.GetOrAdd(tenantId, static (_, state) => new LogThrottle(state.timeProvider, state.interval), (timeProvider, interval: options.Value.LogThrottleInterval));
        if (log.TryEnter(out var suppressed))
        {
            Log.TenantSendRateLimited(logger, tenantId, limiters.SendLimitDescription, suppressed);
        }

        return new WebSocketNotificationException(
            WebSocketErrorCodes.RateLimited,
            $"Tenant {tenantId} exceeded its gateway send rate ({limiters.SendLimitDescription}); retry later.",
            retryable: true);
    }
}
