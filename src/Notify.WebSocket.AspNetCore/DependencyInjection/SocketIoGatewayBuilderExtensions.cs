using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.Gateway;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Socket.IO endpoint of the internal-mode gateway.</summary>
public static class SocketIoGatewayBuilderExtensions
{
    /// <summary>
    /// Makes internal mode push to Socket.IO clients (Engine.IO v4, Socket.IO v5; the spec's client code works
    /// unchanged): registers the endpoint and the gateway it shares with the SignalR hub, if that is registered too, so
    /// one send reaches a user's connections on both. Map it with <c>app.MapSocketIoGateway("/socket.io")</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddWebSocketNotifications</c>.</param>
    /// <param name="configure">Sets the endpoint's options (heartbeat, buffer size, transports, authentication scheme).</param>
    /// <param name="gateway">Sets the gateway's rules (claims, anonymous access, channel patterns, limits), shared with the SignalR hub.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSocketIoGateway(
        this IWebSocketNotificationsBuilder builder,
        Action<SocketIoGatewayOptions>? configure = null,
        Action<SignalRGatewayOptions>? gateway = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        GatewayServices.AddShared(builder, gateway);
        services.AddOptions<SocketIoGatewayOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketIoGatewayOptions>, SocketIoGatewayOptionsValidator>());
        services.TryAddSingleton<SocketIoAuthenticator>();
        services.TryAddSingleton<SocketIoGatewayNamespace>();
        services.TryAddSingleton<SocketIoGateway>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGroupBroadcaster, SocketIoGroupBroadcaster>());
        return builder;
    }

    /// <summary>Like <see cref="AddSocketIoGateway(IWebSocketNotificationsBuilder, Action{SocketIoGatewayOptions}?, Action{SignalRGatewayOptions}?)"/>, with the endpoint's options bound from a configuration section.</summary>
    /// <param name="builder">The builder returned by <c>AddWebSocketNotifications</c>.</param>
    /// <param name="section">For example <c>configuration.GetSection("Notifications:SocketIo")</c>.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSocketIoGateway(this IWebSocketNotificationsBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<SocketIoGatewayOptions>().Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder.AddSocketIoGateway();
    }
}
