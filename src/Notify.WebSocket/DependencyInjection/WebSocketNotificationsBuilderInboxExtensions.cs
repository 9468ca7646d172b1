using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.WebSocket;
using Notify.WebSocket.Handling.Database;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The notification inbox: durable internal-mode sends, replay on connect, read state across devices.</summary>
public static class WebSocketNotificationsBuilderInboxExtensions
{
    /// <summary>
    /// Turns the notification inbox on, with its options read from the host's <see cref="IConfiguration"/> at
    /// <c>Notifications:Inbox</c> (all optional). Every internal-mode send is then stored before it is delivered and
    /// succeeds only once stored; clients replay what they missed when they connect; each user has an inbox with read
    /// state (<see cref="INotificationInbox"/>). The store is SQLite by default (add <c>.AddSqlite()</c>). Calling it
    /// again is harmless.
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddNotificationInbox(this IWebSocketNotificationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IConfigureOptions<NotificationInboxOptions>>(sp => new ConfigureNamedOptions<NotificationInboxOptions>(
            Options.Options.DefaultName,
            o => InboxOptionsBinder.Bind(sp.GetRequiredService<IConfiguration>().GetSection(NotificationInboxOptions.DefaultSectionPath), o)));
        return AddInbox(builder);
    }

    /// <summary>Like <see cref="AddNotificationInbox(IWebSocketNotificationsBuilder)"/>, with the options bound from <paramref name="section"/> (unknown keys are reported at start).</summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="section">For example <c>configuration.GetSection("Notifications:Inbox")</c>.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddNotificationInbox(this IWebSocketNotificationsBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.Configure<NotificationInboxOptions>(o => InboxOptionsBinder.Bind(section, o));
        return AddInbox(builder);
    }

    /// <summary>Like <see cref="AddNotificationInbox(IWebSocketNotificationsBuilder)"/>, with the options set in code.</summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddNotificationInbox(this IWebSocketNotificationsBuilder builder, Action<NotificationInboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return AddInbox(builder);
    }

    private static IWebSocketNotificationsBuilder AddInbox(IWebSocketNotificationsBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationInboxOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationInboxOptions>, NotificationInboxOptionsValidator>());
        if (services.Any(d => d.ServiceType == typeof(INotificationStore)) && !services.Any(d => d.ServiceType == typeof(CustomInboxStore)))
        {
            services.AddSingleton(new CustomInboxStore());
        }

        services.TryAddSingleton<INotificationStore>(sp => InboxStoreFactory.Create(
            sp.GetRequiredService<IOptions<NotificationInboxOptions>>().Value,
            sp.GetServices<DatabaseProviderRegistration>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NotificationInboxOptions>>().Value;
            return new NotificationJournal(
                sp.GetRequiredService<INotificationStore>(),
                sp.GetService<CustomInboxStore>() is null ? options.DatabaseProvider : "custom",
                options,
                WebSocketNotificationsJsonOptions.Ready(sp.GetRequiredService<IOptions<WebSocketNotificationsJsonOptions>>().Value.PayloadSerializerOptions),
                sp.GetRequiredService<TimeProvider>(),
                Loggers(sp).CreateLogger<NotificationJournal>());
        });
        services.TryAddSingleton<INotificationInbox>(sp => new NotificationInbox(sp.GetRequiredService<NotificationJournal>()));
        services.TryAddSingleton(sp => new InProcessInbox(
            sp.GetRequiredService<NotificationJournal>(),
            sp.GetRequiredService<IOptions<NotificationInboxOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp).CreateLogger<InProcessInbox>()));
        services.TryAddSingleton(sp => new InboxRetentionService(
            sp.GetRequiredService<NotificationJournal>(),
            sp.GetRequiredService<IOptions<NotificationInboxOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp).CreateLogger<InboxRetentionService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InboxRetentionService>(sp => sp.GetRequiredService<InboxRetentionService>()));
        return builder;
    }

    private static ILoggerFactory Loggers(IServiceProvider services) => services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
