using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.WebSocket;
using Notify.WebSocket.AspNetCore;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.Emitter;
using Notify.WebSocket.AspNetCore.SocketIo.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.Redis;

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

    /// <summary>
    /// Scales the Socket.IO endpoint out over Redis in the format of <c>@socket.io/redis-adapter</c>: a send on one
    /// instance reaches the Socket.IO clients of every instance, Node servers with the adapter on the same Redis and key
    /// receive the broadcasts for their clients, and <c>@socket.io/redis-emitter</c> processes reach this instance's
    /// clients. Presence and the gateway's limits are kept in the same Redis, shared by every instance (as with
    /// <c>AddSignalRRedisScaleOut</c>, which can be added too, on the same Redis).
    /// </summary>
    /// <param name="builder">The builder, after <c>AddSocketIoGateway</c>.</param>
    /// <param name="redisConfiguration">A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>. One endpoint, not a cluster.</param>
    /// <param name="key">The adapter's key (its channels are <c>{key}#/#…</c>), default <c>socket.io</c> as the Node adapter's.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSocketIoRedisAdapter(this IWebSocketNotificationsBuilder builder, string redisConfiguration, string key = "socket.io")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return builder.AddSocketIoRedisAdapter(o =>
        {
            o.Configuration = redisConfiguration;
            o.SocketIoKey = key;
        });
    }

    /// <summary>Like <see cref="AddSocketIoRedisAdapter(IWebSocketNotificationsBuilder, string, string)"/>, with every scale-out option.</summary>
    /// <param name="builder">The builder, after <c>AddSocketIoGateway</c>.</param>
    /// <param name="configure">Sets the options; <see cref="RedisScaleOutOptions.Configuration"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The configuration string, the prefix or the key is empty, or the presence timeout is under a second.</exception>
    public static IWebSocketNotificationsBuilder AddSocketIoRedisAdapter(this IWebSocketNotificationsBuilder builder, Action<RedisScaleOutOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = GatewayServices.RedisOptions(configure);
        var services = builder.Services;
        GatewayServices.AddRedis(services, options);
        services.TryAddSingleton<SocketIoRedisAdapter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SocketIoRedisAdapter>(sp => sp.GetRequiredService<SocketIoRedisAdapter>()));
        return builder;
    }

    /// <summary>
    /// Makes internal mode push into an existing Socket.IO cluster (Node servers with <c>@socket.io/redis-adapter</c>,
    /// such as the original system's gateway) through its Redis, as <c>@socket.io/redis-emitter</c> does: for a .NET
    /// service with no clients of its own. Sends go to the rooms <see cref="SocketIoEmitterOptions.UserRoom"/> and
    /// <see cref="SocketIoEmitterOptions.ChannelRoom"/> with the event <see cref="SocketIoEmitterOptions.EventName"/>.
    /// Replaces the gateway internal mode sends through (do not combine with <c>AddSocketIoGateway</c> or
    /// <c>AddSignalRGateway</c>, which serve clients of this host).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddWebSocketNotifications</c>.</param>
    /// <param name="configure">Sets the options; <see cref="SocketIoEmitterOptions.Configuration"/> is required.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSocketIoEmitterGateway(this IWebSocketNotificationsBuilder builder, Action<SocketIoEmitterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<SocketIoEmitterOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketIoEmitterOptions>, SocketIoEmitterOptionsValidator>());
        services.TryAddSingleton<SocketIoEmitterGateway>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SocketIoEmitterGateway>(sp => sp.GetRequiredService<SocketIoEmitterGateway>()));
        services.Replace(ServiceDescriptor.Singleton<INotificationGateway>(sp => sp.GetRequiredService<SocketIoEmitterGateway>()));
        return builder;
    }
}
