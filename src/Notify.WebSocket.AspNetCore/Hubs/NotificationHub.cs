using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Hubs;
using Notify.WebSocket.AspNetCore.Identity;

namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// The notification hub: clients invoke <c>channel:join</c> / <c>channel:leave</c> with <c>{ channelName }</c> and
/// receive <c>notification:new</c>, <c>channel:joined</c>, <c>channel:left</c> and <c>error</c>. On connect, the
/// connection joins its user's group and its tenant's <c>defaultChannels</c>; a connection without a user id and tenant
/// id claim is refused, and a connection is closed when its authentication expires. Every request is answered, whatever
/// its shape. With the notification inbox, a client connecting with <see cref="PositionsParameter"/> first receives what
/// it missed, and <c>inbox:read</c>, <c>inbox:unread</c>, <c>inbox:archive</c> and <c>inbox:unarchive</c> change the
/// user's read state on every device. Derive from it to add hub methods of your own (call the base members when overriding), and register the
/// derived hub with <c>AddSignalRGateway&lt;THub&gt;()</c> and <c>MapNotificationGateway&lt;THub&gt;()</c>.
/// </summary>
public class NotificationHub : Hub
{
    private static readonly object ConnectionKey = new();
    private static readonly object SessionKey = new();

    /// <summary>
    /// With the notification inbox: the query parameter a client connects with to replay what it missed, a JSON object
    /// of stream ids and the last position seen in each: <c>?positions={"t:1:user:alice":41}</c> (URL-encoded).
    /// </summary>
    public const string PositionsParameter = "positions";

    private readonly IServiceProvider _services;
    private readonly GatewayConnectionHandler _handler;

    /// <summary>Creates the hub (SignalR does, per invocation).</summary>
    /// <param name="services">The hub's scoped services.</param>
    public NotificationHub(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _handler = services.GetRequiredService<GatewayConnectionHandler>();
    }

    /// <summary>
    /// Identifies the connection from its claims, joins its user group and default channels and arms its expiry;
    /// or refuses it (an <c>error</c> event, then the close).
    /// </summary>
    /// <returns>A task that completes when the connection is set up.</returns>
    public override async Task OnConnectedAsync()
    {
        var connection = Connection();
        var http = Context.GetHttpContext();
        var positions = http?.Request.Query[PositionsParameter] is [{ } given] ? given : null;
        var session = await _handler.ConnectAsync(connection, Context.User, AuthenticationExpiration.Of(http, Context.User), positions).ConfigureAwait(false);
        if (session is not null)
        {
            Context.Items[SessionKey] = session;
        }
    }

    /// <summary>Releases the connection's presence.</summary>
    /// <param name="exception">Why the connection closed, if it failed.</param>
    /// <returns>A task that completes when presence is updated.</returns>
    public override Task OnDisconnectedAsync(Exception? exception) =>
        Session() is { } session ? _handler.DisconnectAsync(session) : Task.CompletedTask;

    /// <summary>
    /// <c>channel:join</c>: joins a channel of the connection's tenant if the channel-name rules, the limits and the
    /// <see cref="IChannelAuthorizer"/> allow it. Answered with <c>channel:joined</c> or an <c>error</c> event.
    /// </summary>
    /// <param name="request">
    /// <c>{ channelName }</c>. Taken as any value (with the JSON protocol a <see cref="JsonElement"/>) so that a request
    /// of the wrong shape still reaches the gateway and is answered with <c>INVALID_REQUEST</c>.
    /// </param>
    /// <returns>A task that completes when the answer is sent.</returns>
    [HubMethodName(GatewayEvents.Join)]
    public Task JoinChannel(object? request) => _handler.JoinAsync(Connection(), Session(), request, _services);

    /// <summary><c>channel:leave</c>: leaves a channel. Answered with <c>channel:left</c> or an <c>error</c> event.</summary>
    /// <param name="request"><c>{ channelName }</c>, taken as any value, as for <see cref="JoinChannel"/>.</param>
    /// <returns>A task that completes when the answer is sent.</returns>
    [HubMethodName(GatewayEvents.Leave)]
    public Task LeaveChannel(object? request) => _handler.LeaveAsync(Connection(), Session(), request);

    /// <summary>
    /// <c>inbox:read</c>, with the inbox: marks notifications read, <c>{ ids: [..] }</c>, <c>{ all: true }</c> or
    /// <c>{ stream, position }</c> (everything of the stream up to the position). Every connection of the user then
    /// receives <c>inbox:updated</c> with the unread count; a refusal is an <c>error</c> event.
    /// </summary>
    /// <param name="request">The request, taken as any value (answered with <c>INVALID_REQUEST</c> when malformed).</param>
    /// <returns>
    /// A task whose result completes the client's invocation: null when the change was made, the refusal's
    /// <c>{ message, code }</c> (also sent as the <c>error</c> event) when refused.
    /// </returns>
    [HubMethodName(GatewayEvents.InboxRead)]
    public Task<object?> MarkRead(object? request) => InboxAsync(GatewayEvents.InboxRead, request);

    /// <summary><c>inbox:unread</c>, with the inbox: marks notifications unread, <c>{ ids: [..] }</c>.</summary>
    /// <param name="request">The request, taken as any value.</param>
    /// <returns>A task whose result completes the client's invocation, as for <see cref="MarkRead"/>.</returns>
    [HubMethodName(GatewayEvents.InboxUnread)]
    public Task<object?> MarkUnread(object? request) => InboxAsync(GatewayEvents.InboxUnread, request);

    /// <summary><c>inbox:archive</c>, with the inbox: archives notifications, <c>{ ids: [..] }</c>.</summary>
    /// <param name="request">The request, taken as any value.</param>
    /// <returns>A task whose result completes the client's invocation, as for <see cref="MarkRead"/>.</returns>
    [HubMethodName(GatewayEvents.InboxArchive)]
    public Task<object?> Archive(object? request) => InboxAsync(GatewayEvents.InboxArchive, request);

    /// <summary><c>inbox:unarchive</c>, with the inbox: takes notifications out of the archive, <c>{ ids: [..] }</c>.</summary>
    /// <param name="request">The request, taken as any value.</param>
    /// <returns>A task whose result completes the client's invocation, as for <see cref="MarkRead"/>.</returns>
    [HubMethodName(GatewayEvents.InboxUnarchive)]
    public Task<object?> Unarchive(object? request) => InboxAsync(GatewayEvents.InboxUnarchive, request);

    private async Task<object?> InboxAsync(string requestName, object? request) =>
        await _handler.InboxAsync(Connection(), Session(), requestName, request).ConfigureAwait(false);

    private GatewaySession? Session() => Context.Items.TryGetValue(SessionKey, out var value) ? value as GatewaySession : null;

    private SignalRGatewayConnection Connection()
    {
        if (Context.Items.TryGetValue(ConnectionKey, out var value) && value is SignalRGatewayConnection existing)
        {
            return existing;
        }

        var connection = new SignalRGatewayConnection(Context, _services.GetRequiredService<NotificationHubClients>());
        Context.Items[ConnectionKey] = connection;
        return connection;
    }
}
