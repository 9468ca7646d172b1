using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Hubs;

namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// The notification hub: clients invoke <c>channel:join</c> / <c>channel:leave</c> with <c>{ channelName }</c> and
/// receive <c>notification:new</c>, <c>channel:joined</c>, <c>channel:left</c> and <c>error</c>. On connect, the
/// connection joins its user's group and its tenant's <c>defaultChannels</c>; a connection without a user id and tenant
/// id claim is refused. Derive from it to add hub methods of your own (call the base members when overriding), and
/// register the derived hub with <c>AddSignalRGateway&lt;THub&gt;()</c> and <c>MapNotificationGateway&lt;THub&gt;()</c>.
/// </summary>
public class NotificationHub : Hub
{
    private readonly IServiceProvider _services;
    private readonly NotificationHubCore _core;

    /// <summary>Creates the hub (SignalR does, per invocation).</summary>
    /// <param name="services">The hub's scoped services.</param>
    public NotificationHub(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _core = services.GetRequiredService<NotificationHubCore>();
    }

    /// <summary>Identifies the connection from its claims, joins its user group and default channels, or refuses it.</summary>
    /// <returns>A task that completes when the connection is set up.</returns>
    public override Task OnConnectedAsync() => _core.OnConnectedAsync(this);

    /// <summary>Releases the connection's presence.</summary>
    /// <param name="exception">Why the connection closed, if it failed.</param>
    /// <returns>A task that completes when presence is updated.</returns>
    public override Task OnDisconnectedAsync(Exception? exception) => _core.OnDisconnectedAsync(this);

    /// <summary><c>channel:join</c>: joins a channel of the connection's tenant if the <see cref="IChannelAuthorizer"/> allows it.</summary>
    /// <param name="request"><c>{ channelName }</c>.</param>
    /// <returns>A task that completes when <c>channel:joined</c> or <c>error</c> is sent.</returns>
    [HubMethodName(GatewayEvents.Join)]
    public Task JoinChannel(ChannelRequest? request) => _core.JoinAsync(this, _services, request?.ChannelName);

    /// <summary><c>channel:leave</c>: leaves a channel.</summary>
    /// <param name="request"><c>{ channelName }</c>.</param>
    /// <returns>A task that completes when <c>channel:left</c> or <c>error</c> is sent.</returns>
    [HubMethodName(GatewayEvents.Leave)]
    public Task LeaveChannel(ChannelRequest? request) => _core.LeaveAsync(this, request?.ChannelName);
}
