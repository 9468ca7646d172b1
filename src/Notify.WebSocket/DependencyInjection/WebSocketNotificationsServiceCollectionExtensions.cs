using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.WebSocket;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Registry;
using Notify.WebSocket.Sending;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Notify.WebSocket.</summary>
public static partial class WebSocketNotificationsServiceCollectionExtensions
{
    /// <summary>The configuration section read when none is given: <c>Notifications:WebSocket</c>.</summary>
    public const string DefaultSectionPath = "Notifications:WebSocket";

    /// <summary>
    /// Registers the provider with its configuration read from the host's <see cref="IConfiguration"/> at
    /// <c>Notifications:WebSocket</c>, validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for optional parts.</returns>
    public static IWebSocketNotificationsBuilder AddWebSocketNotifications(this IServiceCollection services) =>
        services.AddCore(WebSocketProviderDefaults.ProviderName, sp => sp.GetRequiredService<IConfiguration>().GetSection(DefaultSectionPath), configure: null);

    /// <summary>
    /// Registers the provider bound from <paramref name="section"/> (the spec's JSON names; per-tenant overrides
    /// under <c>tenants:{tenantId}</c>), validated at start and reloaded when the section changes.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">For example <c>configuration.GetSection("Notifications:WebSocket")</c>.</param>
    /// <param name="providerName">A name for this configuration, when a host needs more than one.</param>
    /// <returns>A builder for optional parts.</returns>
    public static IWebSocketNotificationsBuilder AddWebSocketNotifications(this IServiceCollection services, IConfigurationSection section, string providerName = "websocket")
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddCore(providerName, _ => section, configure: null);
        services.AddSingleton<IOptionsChangeTokenSource<WebSocketProviderOptions>>(new SectionChangeTokenSource(providerName, section));
        services.AddSingleton(new ConfigurationSectionCheck.Given(providerName, section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, ConfigurationSectionCheck>());
        return builder;
    }

    /// <summary>Registers the provider configured in code, validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="providerName">A name for this configuration, when a host needs more than one.</param>
    /// <returns>A builder for optional parts.</returns>
    public static IWebSocketNotificationsBuilder AddWebSocketNotifications(this IServiceCollection services, Action<WebSocketProviderOptions> configure, string providerName = "websocket")
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddCore(providerName, sectionFactory: null, configure);
    }

    /// <summary>Overrides options of one tenant in code (applied after configuration).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="configure">Sets the tenant's options.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder ConfigureTenant(this IWebSocketNotificationsBuilder builder, string tenantId, Action<WebSocketProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(configure);
        var registration = GetRegistrations(builder.Services).GetOrAdd(builder.ProviderName, () => throw new InvalidOperationException("The provider is not registered."));
        if (!registration.TenantConfigure.TryGetValue(tenantId, out var actions))
        {
            registration.TenantConfigure[tenantId] = actions = [];
        }

        actions.Add(configure);
        return builder;
    }

    /// <summary>
    /// Configures how host data (notification and query data, query responses) becomes JSON, as SignalR's
    /// <c>AddJsonProtocol</c> does; under Native AOT, insert the host's <c>JsonSerializerContext</c>:
    /// <c>o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder ConfigureJson(this IWebSocketNotificationsBuilder builder, Action<WebSocketNotificationsJsonOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers a custom <see cref="IAuthStrategy"/>; its <see cref="IAuthStrategy.AuthType"/> becomes a valid <c>authType</c>.</summary>
    /// <typeparam name="TStrategy">The strategy.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddAuthStrategy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStrategy>(this IWebSocketNotificationsBuilder builder)
        where TStrategy : class, IAuthStrategy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthStrategy, TStrategy>());
        return builder;
    }

    private static WebSocketNotificationsBuilder AddCore(
        this IServiceCollection services,
        string providerName,
        Func<IServiceProvider, IConfigurationSection>? sectionFactory,
        Action<WebSocketProviderOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);

        var registrations = GetRegistrations(services);
        var registration = registrations.GetOrAdd(providerName, () => new ProviderRegistration(providerName, sectionFactory, configure));
        if (configure is not null && registration.Configure != configure)
        {
            // A second code-configured call for the same name adds to the first, as services.Configure does.
            registration.AddConfigure(configure);
        }

        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TenantConfigurationOverrides>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<WebSocketProviderOptions>, ProviderOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketProviderOptions>, WebSocketProviderOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthStrategy, NoAuthStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthStrategy, BearerAuthStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthStrategy, BasicAuthStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthStrategy, QueryAuthStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthStrategy, CustomHeadersAuthStrategy>());
        services.TryAddSingleton(sp => new BearerTokenProviders(sp.GetServices<BearerTokenProviderRegistration>(), sp));
        services.TryAddSingleton<AuthStrategyResolver>();
        AddIncomingHandling(services);
        AddExternalTransports(services);

        services.TryAddSingleton(sp => new InProcessNotificationGateway(
            sp.GetService<IOptions<InProcessGatewayOptions>>()?.Value ?? new InProcessGatewayOptions(),
            tenantId => sp.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>()
                .Get(ProviderOptionsNames.For(WebSocketProviderDefaults.ProviderName, tenantId)).DefaultChannels.ToArray(),
            sp.GetService<Notify.WebSocket.Inbox.InProcessInbox>()));
        services.TryAddSingleton<INotificationGateway>(sp => sp.GetRequiredService<InProcessNotificationGateway>());

        services.TryAddSingleton(sp => new ConnectionPool(Loggers(sp).CreateLogger<ConnectionPool>()));
        services.TryAddSingleton(sp => new ProviderFactory(
            sp,
            sp.GetServices<IExternalProviderFactory>(),
            sp.GetRequiredService<IOptions<WebSocketNotificationsJsonOptions>>().Value.PayloadSerializerOptions,
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp)));
        services.TryAddSingleton(sp => new ProviderRegistry(
            sp.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>(),
            sp.GetRequiredService<IOptionsMonitorCache<WebSocketProviderOptions>>(),
            sp.GetRequiredService<ProviderFactory>(),
            sp.GetRequiredService<ConnectionPool>(),
            Loggers(sp).CreateLogger<ProviderRegistry>()));
        services.TryAddSingleton<INotificationSender, NotificationSender>();
        services.TryAddSingleton<ITenantConfigurationService, TenantConfigurationService>();
        services.TryAddSingleton<IWebSocketProvider>(sp => sp.GetRequiredService<ProviderRegistry>()
            .Handle(WebSocketProviderDefaults.DefaultTenantId, WebSocketProviderDefaults.ProviderName));

        services.AddOptions<WebSocketProviderOptions>(providerName).ValidateOnStart();
        return new WebSocketNotificationsBuilder(services, providerName);
    }

    /// <summary>Hosts without logging registered still work: the library then logs nowhere.</summary>
    private static ILoggerFactory Loggers(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static ProviderRegistrations GetRegistrations(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(ProviderRegistrations))?.ImplementationInstance;
        if (existing is ProviderRegistrations registrations)
        {
            return registrations;
        }

        registrations = new ProviderRegistrations();
        services.AddSingleton(registrations);
        return registrations;
    }
}
