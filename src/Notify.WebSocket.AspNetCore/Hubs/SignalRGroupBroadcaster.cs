using Microsoft.AspNetCore.SignalR;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>Delivers to a group's SignalR connections (through the Redis backplane when scale-out is on).</summary>
internal sealed class SignalRGroupBroadcaster(NotificationHubClients hub) : IGroupBroadcaster
{
    public Task SendToGroupAsync(string group, string eventName, object payload, CancellationToken cancellationToken) =>
        hub.Clients.Group(group).SendAsync(eventName, hub.Prepared(payload), cancellationToken);
}
