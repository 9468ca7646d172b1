using Microsoft.AspNetCore.SignalR;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>
/// The registered notification hub's clients and groups, from its <c>IHubContext</c>: usable outside a hub
/// invocation (an expiry timer, a send), without the gateway knowing the hub's type.
/// </summary>
internal sealed class NotificationHubClients(IHubClients clients, IGroupManager groups)
{
    public IHubClients Clients { get; } = clients;

    public IGroupManager Groups { get; } = groups;
}
