using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Hubs;
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

        // Hub options of this hub start from the global ones; ConfigureNotificationHub's settings are applied after.
        services.AddSignalR().AddHubOptions<THub>(_ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions<THub>>, GatewayHubOptionsSetup<THub>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubOptions<THub>>, GatewayHubOptionsSetup<THub>>());
        services.AddOptions<HubOptions<THub>>().ValidateOnStart();
        services.AddAuthorization();
        GatewayServices.AddShared(builder, configure);
        services.RemoveAll<GatewayRegistration>();
        services.AddSingleton(new GatewayRegistration(builder.ProviderName, typeof(THub)));
        services.RemoveAll<NotificationHubClients>();
        services.AddSingleton(sp =>
        {
            var hub = sp.GetRequiredService<IHubContext<THub>>();
            return new NotificationHubClients(hub.Clients, hub.Groups, SpeaksJsonAlone<THub>(sp), sp.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGroupBroadcaster, SignalRGroupBroadcaster>());
        return builder;
    }

    /// <summary>
    /// Sets SignalR hub options (<see cref="HubOptions"/>: message size, timeouts, detailed errors …) for the notification
    /// hub, whichever hub type <c>AddSignalRGateway</c> registered; other hubs keep the global options. The hub speaks
    /// JSON only (its events are the spec's JSON objects): adding another protocol to it stops the host at start.
    /// Connection options (<c>HttpConnectionDispatcherOptions</c>) are given to <c>MapNotificationGateway</c>.
    /// </summary>
    /// <param name="builder">The builder, after <c>AddSignalRGateway</c>.</param>
    /// <param name="configure">Sets the hub options.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder ConfigureNotificationHub(this IWebSocketNotificationsBuilder builder, Action<HubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSingleton(new HubOptionsConfiguration(configure));
        return builder;
    }

    /// <summary>
    /// Scales the gateway out over Redis: SignalR's Redis backplane carries every send to the instance holding the
    /// connection, presence (the connection counts a send reports) is kept in Redis so it covers every instance, and the
    /// gateway's rate limits are shared by every instance.
    /// </summary>
    /// <param name="builder">The builder, after <c>AddSignalRGateway</c>.</param>
    /// <param name="redisConfiguration">A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>. One endpoint, not a cluster.</param>
    /// <param name="channelPrefix">Keeps apps sharing one Redis apart: the prefix of the backplane's channels, the presence keys and the rate-limit keys.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSignalRRedisScaleOut(this IWebSocketNotificationsBuilder builder, string redisConfiguration, string channelPrefix = "notify")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelPrefix);
        return builder.AddSignalRRedisScaleOut(o =>
        {
            o.Configuration = redisConfiguration;
            o.ChannelPrefix = channelPrefix;
        });
    }

    /// <summary>Like <see cref="AddSignalRRedisScaleOut(IWebSocketNotificationsBuilder, string, string)"/>, with every scale-out option.</summary>
    /// <param name="builder">The builder, after <c>AddSignalRGateway</c>.</param>
    /// <param name="configure">Sets the options; <see cref="RedisScaleOutOptions.Configuration"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The configuration string or the prefix is empty, or the presence timeout is under a second.</exception>
    public static IWebSocketNotificationsBuilder AddSignalRRedisScaleOut(this IWebSocketNotificationsBuilder builder, Action<RedisScaleOutOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = GatewayServices.RedisOptions(configure);
        builder.Services.AddSignalR().AddStackExchangeRedis(options.Configuration, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(options.ChannelPrefix));
        GatewayServices.AddRedis(builder.Services, options);
        return builder;
    }

    /// <summary>
    /// Whether every protocol the hub accepts is JSON, with payload options that can write a notification (without
    /// reflection, a host's resolver decides): then one connection's notification is serialized once for all.
    /// </summary>
    private static bool SpeaksJsonAlone<THub>(IServiceProvider services)
        where THub : Hub
    {
        var protocols = services.GetRequiredService<IOptions<HubOptions<THub>>>().Value.SupportedProtocols
            ?? [.. services.GetServices<Microsoft.AspNetCore.SignalR.Protocol.IHubProtocol>().Select(p => p.Name)];
        if (protocols.Count == 0 || protocols.Any(p => !string.Equals(p, "json", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        // SignalR's default payload options have no resolver yet: the serializer fills in the reflection-based one at
        // the first write, which writes both (TryGetTypeInfo would answer false until then).
        var json = services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;
        return json.TypeInfoResolver is null
            ? JsonSerializer.IsReflectionEnabledByDefault
            : json.TryGetTypeInfo(typeof(SerializedNotification), out _) && json.TryGetTypeInfo(typeof(Notify.WebSocket.NotificationPayload), out _);
    }
}
