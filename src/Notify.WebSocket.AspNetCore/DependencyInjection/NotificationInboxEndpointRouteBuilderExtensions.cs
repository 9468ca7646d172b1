using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Identity;
using Notify.WebSocket.AspNetCore.Inbox;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the notification inbox's HTTP endpoints.</summary>
public static class NotificationInboxEndpointRouteBuilderExtensions
{
    /// <summary>The path the inbox is mapped to when none is given.</summary>
    public const string DefaultPattern = "/inbox";

    /// <summary>
    /// Maps the signed-in user's inbox under <paramref name="pattern"/>, identified exactly as gateway connections are
    /// (the user id and tenant id claims of the host's authentication; an endpoint that requires an authenticated user
    /// unless the gateway allows anonymous connections, which have no inbox and get 403):
    /// <c>GET {pattern}?limit=&amp;cursor=&amp;unread=&amp;channel=&amp;archived=</c> (an <see cref="InboxPage"/>),
    /// <c>GET {pattern}/unread-count</c>, and <c>POST {pattern}/read</c> (<c>{ ids }</c>, <c>{ all: true }</c> or
    /// <c>{ stream, position }</c>), <c>/unread</c>, <c>/archive</c>, <c>/unarchive</c> (<c>{ ids }</c>), which answer
    /// the <see cref="InboxChange"/> every connection of the user also receives. A store outage answers 503 with
    /// <c>Retry-After</c>.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path, default <c>/inbox</c>.</param>
    /// <returns>The endpoints' group, for further conventions (rate limiting, CORS …).</returns>
    /// <exception cref="InvalidOperationException">The inbox or the gateway is not registered, or no authentication is registered while anonymous connections are not allowed.</exception>
    public static RouteGroupBuilder MapNotificationInbox(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (endpoints.ServiceProvider.GetService<INotificationInbox>() is null)
        {
            throw new InvalidOperationException("The notification inbox is not registered: call .AddNotificationInbox() on the builder AddWebSocketNotifications returns.");
        }

        if (endpoints.ServiceProvider.GetService<ConnectionIdentityResolver>() is null)
        {
            throw new InvalidOperationException("The inbox endpoints identify users as the gateway does: call .AddSignalRGateway() or .AddSocketIoGateway() first.");
        }

        var group = endpoints.MapGroup(pattern);
        group.MapGet(string.Empty, InboxEndpoints.ListAsync);
        group.MapGet("/unread-count", InboxEndpoints.UnreadCountAsync);
        group.MapPost("/read", InboxEndpoints.Change(GatewayEvents.InboxRead));
        group.MapPost("/unread", InboxEndpoints.Change(GatewayEvents.InboxUnread));
        group.MapPost("/archive", InboxEndpoints.Change(GatewayEvents.InboxArchive));
        group.MapPost("/unarchive", InboxEndpoints.Change(GatewayEvents.InboxUnarchive));
        GatewayEndpointAuthorization.Require(group, endpoints.ServiceProvider, "MapNotificationInbox");
        return group;
    }
}
