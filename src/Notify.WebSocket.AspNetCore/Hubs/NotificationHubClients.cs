using Microsoft.AspNetCore.SignalR;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>
/// The registered notification hub's clients and groups, from its <c>IHubContext</c>: usable outside a hub
/// invocation (an expiry timer, a send), without the gateway knowing the hub's type.
/// </summary>
/// <param name="clients">The hub's clients.</param>
/// <param name="groups">The hub's groups.</param>
/// <param name="jsonOnly">
/// Whether the hub speaks JSON alone with options that can write a <see cref="SerializedNotification"/>: then a
/// notification sent connection by connection is serialized once.
/// </param>
internal sealed class NotificationHubClients(IHubClients clients, IGroupManager groups, bool jsonOnly = false)
{
    public IHubClients Clients { get; } = clients;

    public IGroupManager Groups { get; } = groups;

    /// <summary>What a connection is sent: a notification as its shared serialized form when the hub speaks JSON alone.</summary>
    public object Outgoing(object payload) =>
        jsonOnly && payload is NotificationPayload notification ? SerializedNotification.For(notification) : payload;
}
