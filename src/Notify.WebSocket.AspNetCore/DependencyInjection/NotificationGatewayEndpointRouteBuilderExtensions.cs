using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore;
using Notify.WebSocket.AspNetCore.Configuration;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the notification hub.</summary>
public static class NotificationGatewayEndpointRouteBuilderExtensions
{
    /// <summary>The path the hub is mapped to when none is given.</summary>
    public const string DefaultPattern = "/notifications";

    /// <summary>
    /// Maps <see cref="NotificationHub"/> at <paramref name="pattern"/>. The endpoint requires an authenticated user
    /// (the host's default authorization policy) unless <see cref="SignalRGatewayOptions.AllowAnonymous"/> is set.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path, default <c>/notifications</c>.</param>
    /// <returns>The hub endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSignalRGateway</c> was not called, or registered another hub type, or no authentication is registered while anonymous connections are not allowed.</exception>
    public static HubEndpointConventionBuilder MapNotificationGateway(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern) =>
        endpoints.MapNotificationGateway<NotificationHub>(pattern, configureOptions: null);

    /// <summary>
    /// Maps <see cref="NotificationHub"/> at <paramref name="pattern"/> with SignalR's connection options, as
    /// <c>MapHub</c> takes them (transports, buffer sizes, authorization data, <c>CloseOnAuthenticationExpiration</c> …).
    /// The gateway ends expired connections itself by default (<see cref="SignalRGatewayOptions.CloseOnAuthenticationExpiration"/>),
    /// with an <c>error</c> event first; SignalR's own option closes without one. Hub options are set with
    /// <c>ConfigureNotificationHub</c>.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path.</param>
    /// <param name="configureOptions">Sets the connection options; null keeps SignalR's defaults.</param>
    /// <returns>The hub endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSignalRGateway</c> was not called, or registered another hub type, or no authentication is registered while anonymous connections are not allowed.</exception>
    public static HubEndpointConventionBuilder MapNotificationGateway(this IEndpointRouteBuilder endpoints, string pattern, Action<HttpConnectionDispatcherOptions>? configureOptions) =>
        endpoints.MapNotificationGateway<NotificationHub>(pattern, configureOptions);

    /// <summary>Maps the host's own hub, derived from <see cref="NotificationHub"/> and registered with <c>AddSignalRGateway&lt;THub&gt;()</c>.</summary>
    /// <typeparam name="THub">The hub.</typeparam>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path, default <c>/notifications</c>.</param>
    /// <returns>The hub endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSignalRGateway</c> was not called, or registered another hub type, or no authentication is registered while anonymous connections are not allowed.</exception>
    public static HubEndpointConventionBuilder MapNotificationGateway<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] THub>(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
        where THub : NotificationHub =>
        endpoints.MapNotificationGateway<THub>(pattern, configureOptions: null);

    /// <summary>Maps the host's own hub with SignalR's connection options (see the non-generic overload).</summary>
    /// <typeparam name="THub">The hub.</typeparam>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path.</param>
    /// <param name="configureOptions">Sets the connection options; null keeps SignalR's defaults.</param>
    /// <returns>The hub endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSignalRGateway</c> was not called, or registered another hub type, or no authentication is registered while anonymous connections are not allowed.</exception>
    public static HubEndpointConventionBuilder MapNotificationGateway<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] THub>(this IEndpointRouteBuilder endpoints, string pattern, Action<HttpConnectionDispatcherOptions>? configureOptions)
        where THub : NotificationHub
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var registration = endpoints.ServiceProvider.GetService<GatewayRegistration>() is { HubType: not null } registered
            ? registered
            : throw new InvalidOperationException("The notification gateway is not registered: call services.AddWebSocketNotifications(...).AddSignalRGateway() first.");
        if (registration.HubType != typeof(THub))
        {
            throw new InvalidOperationException(
                $"The notification gateway was registered with hub {registration.HubType!.Name}, not {typeof(THub).Name}: map the same hub type you registered.");
        }

        var hub = endpoints.MapHub<THub>(pattern, configureOptions ?? (static _ => { }));
        GatewayEndpointAuthorization.Require(hub, endpoints.ServiceProvider, "MapNotificationGateway");
        return hub;
    }
}
