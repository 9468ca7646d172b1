using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Authorization;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Identity;
using Notify.WebSocket.AspNetCore.Inbox;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.RateLimiting;
using Notify.WebSocket.AspNetCore.ScaleOut;

namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>
/// What every transport of the gateway shares (SignalR, Socket.IO): the rules (identity, limits, channel names,
/// permissions, expiry), presence, metrics and the <see cref="INotificationGateway"/> that sends through every
/// registered transport. Registered once whichever transport comes first; a second call changes nothing.
/// </summary>
internal static class GatewayServices
{
    public static void AddShared(IWebSocketNotificationsBuilder builder, Action<SignalRGatewayOptions>? configure)
    {
        var services = builder.Services;
        services.AddMetrics();
        services.AddOptions<SignalRGatewayOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalRGatewayOptions>, SignalRGatewayOptionsValidator>());
        services.TryAddSingleton(new GatewayRegistration(builder.ProviderName, HubType: null));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<TenantChannelDefaults>();
        services.TryAddSingleton<IPresenceTracker, LocalPresenceTracker>();
        services.TryAddSingleton(sp => new GatewayRateLimiters(
            sp.GetRequiredService<IOptions<SignalRGatewayOptions>>(),
            sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GatewayRateLimiters>>(),
            sp.GetService<GatewayRedis>()));
        services.TryAddSingleton<ConnectionIdentityResolver>();
        services.TryAddSingleton<IChannelAuthorizer, DefaultChannelAuthorizer>();
        services.TryAddSingleton<GatewayResponder>();
        services.TryAddSingleton<AuthenticationExpiry>();
        services.TryAddSingleton<GatewayConnectionHandler>();
        GatewayInboxServices.Add(services);

        // Replaces the in-process gateway that AddWebSocketNotifications registers by default.
        services.Replace(ServiceDescriptor.Singleton<INotificationGateway, GatewayNotificationSender>());
    }

    /// <summary>Makes and checks the scale-out options.</summary>
    /// <exception cref="ArgumentException">The configuration string or the prefix is empty, or the presence timeout is under a second.</exception>
    public static RedisScaleOutOptions RedisOptions(Action<RedisScaleOutOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RedisScaleOutOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.Configuration) || string.IsNullOrWhiteSpace(options.ChannelPrefix) || string.IsNullOrWhiteSpace(options.SocketIoKey))
        {
            throw new ArgumentException("Redis scale-out needs a configuration string (for example 127.0.0.1:6379), a non-empty channel prefix and a non-empty Socket.IO key.", nameof(configure));
        }

        if (options.PresenceTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"Redis scale-out: presenceTimeout must be at least 1 second; it is {options.PresenceTimeout}.", nameof(configure));
        }

        return options;
    }

    /// <summary>Presence and rate limits over Redis, shared by every instance (and by both transports).</summary>
    public static void AddRedis(IServiceCollection services, RedisScaleOutOptions options)
    {
        services.RemoveAll<GatewayRedis>();
        services.AddSingleton(new GatewayRedis(options));
        services.RemoveAll<RedisPresenceTracker>();
        services.AddSingleton<RedisPresenceTracker>();
        services.Replace(ServiceDescriptor.Singleton<IPresenceTracker>(sp => sp.GetRequiredService<RedisPresenceTracker>()));

        // The connection is made before presence registers this instance.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayRedis>(sp => sp.GetRequiredService<GatewayRedis>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisPresenceTracker>(sp => sp.GetRequiredService<RedisPresenceTracker>()));
    }
}
