using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket;
using Notify.WebSocket.AspNetCore;
using Notify.WebSocket.AspNetCore.Authorization;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Hubs;
using Notify.WebSocket.AspNetCore.Identity;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.RateLimiting;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SignalR notification gateway of internal mode.</summary>
public static class SignalRGatewayBuilderExtensions
{
    /// <summary>
    /// Makes internal mode push through a SignalR hub (<see cref="NotificationHub"/>): registers SignalR, the gateway
    /// and its options (validated at start). Map the hub with <c>app.MapNotificationGateway("/notifications")</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddWebSocketNotifications</c>.</param>
    /// <param name="configure">Sets the gateway options.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSignalRGateway(this IWebSocketNotificationsBuilder builder, Action<SignalRGatewayOptions>? configure = null) =>
        builder.AddSignalRGateway<NotificationHub>(configure);

    /// <summary>Like <see cref="AddSignalRGateway(IWebSocketNotificationsBuilder, Action{SignalRGatewayOptions}?)"/>, with the options bound from a configuration section.</summary>
    /// <param name="builder">The builder returned by <c>AddWebSocketNotifications</c>.</param>
    /// <param name="section">For example <c>configuration.GetSection("Notifications:Gateway")</c>.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSignalRGateway(this IWebSocketNotificationsBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<SignalRGatewayOptions>().Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder.AddSignalRGateway<NotificationHub>();
    }

    /// <summary>Registers the gateway with a hub of the host's own, derived from <see cref="NotificationHub"/>.</summary>
    /// <typeparam name="THub">The host's hub; map it with <c>MapNotificationGateway&lt;THub&gt;()</c>.</typeparam>
    /// <param name="builder">The builder returned by <c>AddWebSocketNotifications</c>.</param>
    /// <param name="configure">Sets the gateway options.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSignalRGateway<THub>(this IWebSocketNotificationsBuilder builder, Action<SignalRGatewayOptions>? configure = null)
        where THub : NotificationHub
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSignalR();
        services.AddAuthorization();
        services.AddOptions<SignalRGatewayOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalRGatewayOptions>, SignalRGatewayOptionsValidator>());
        services.RemoveAll<GatewayRegistration>();
        services.AddSingleton(new GatewayRegistration(builder.ProviderName, typeof(THub)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TenantChannelDefaults>();
        services.TryAddSingleton<IPresenceTracker, LocalPresenceTracker>();
        services.TryAddSingleton<GatewayRateLimiters>();
        services.TryAddSingleton<ConnectionIdentityResolver>();
        services.TryAddSingleton<IChannelAuthorizer, DefaultChannelAuthorizer>();
        services.TryAddSingleton<NotificationHubCore>();

        // Replaces the in-process gateway that AddWebSocketNotifications registers by default.
        services.Replace(ServiceDescriptor.Singleton<INotificationGateway, SignalRNotificationGateway<THub>>());
        return builder;
    }

    /// <summary>
    /// Scales the gateway out over Redis: SignalR's Redis backplane carries every send to the instance holding the
    /// connection, and presence (the connection counts a send reports) is kept in Redis so it covers every instance.
    /// </summary>
    /// <param name="builder">The builder, after <c>AddSignalRGateway</c>.</param>
    /// <param name="redisConfiguration">A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>. One endpoint, not a cluster.</param>
    /// <param name="channelPrefix">Keeps apps sharing one Redis apart: the prefix of the backplane's channels and the presence keys.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSignalRRedisScaleOut(this IWebSocketNotificationsBuilder builder, string redisConfiguration, string channelPrefix = "notify")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelPrefix);
        var services = builder.Services;
        services.AddSignalR().AddStackExchangeRedis(redisConfiguration, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(channelPrefix));
        services.RemoveAll<RedisPresenceTracker>();
        services.AddSingleton(sp => new RedisPresenceTracker(
            redisConfiguration,
            channelPrefix,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<RedisPresenceTracker>>()));
        services.Replace(ServiceDescriptor.Singleton<IPresenceTracker>(sp => sp.GetRequiredService<RedisPresenceTracker>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisPresenceTracker>(sp => sp.GetRequiredService<RedisPresenceTracker>()));
        return builder;
    }
}
