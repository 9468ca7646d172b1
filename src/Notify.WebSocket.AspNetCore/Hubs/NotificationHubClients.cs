using System.Text.Json;
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
/// <param name="json">The hub protocol's payload options (<c>AddJsonProtocol</c>); null in tests that never prepare a send.</param>
internal sealed class NotificationHubClients(IHubClients clients, IGroupManager groups, bool jsonOnly = false, JsonSerializerOptions? json = null)
{
    public IHubClients Clients { get; } = clients;

    public IGroupManager Groups { get; } = groups;

    /// <summary>What a connection is sent: a notification as its shared serialized form when the hub speaks JSON alone.</summary>
    public object Outgoing(object payload) =>
        jsonOnly && payload is NotificationPayload notification ? SerializedNotification.For(notification) : payload;

    /// <summary>
    /// What a group is sent, serialized now: SignalR serializes a group send only as it writes each connection, and a
    /// failure there aborts the connection while the send has already succeeded. Written first, data the options cannot
    /// write fails the send instead, with <see cref="WebSocketErrorCodes.SerializationError"/>, and no connection sees it.
    /// </summary>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.SerializationError"/>.</exception>
    public object Prepared(object payload)
    {
        if (json is null || payload is not NotificationPayload notification)
        {
            return payload;
        }

        if (jsonOnly)
        {
            return SerializedNotification.For(notification).Prepare(json);
        }

        SerializedNotification.Check(notification, json);
        return payload;
    }
}
