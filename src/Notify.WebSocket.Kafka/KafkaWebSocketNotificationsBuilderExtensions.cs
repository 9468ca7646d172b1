using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Kafka;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the Kafka strategy (<c>messageHandling:strategy</c> <c>kafka</c>, or <c>all</c> with <c>publishToKafka</c>)
/// to a provider configuration, through the core's <c>AddHandlingStrategy</c>: its options come from
/// <c>messageHandling:strategies:kafka</c> (see <see cref="KafkaStrategyOptions"/>).
/// </summary>
public static class KafkaWebSocketNotificationsBuilderExtensions
{
    /// <summary>
    /// Adds the Kafka strategy, every setting from configuration: <c>messageHandling:strategies:kafka</c> of the
    /// provider's section (<c>bootstrapServers</c> is required there), and the spec's <c>messageHandling:kafkaTopic</c>
    /// and <c>publishToKafka</c>.
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddKafka(this IWebSocketNotificationsBuilder builder) =>
        builder.AddKafka(static _ => { });

    /// <summary>Adds the Kafka strategy publishing to <paramref name="bootstrapServers"/> unless configuration names other brokers.</summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="bootstrapServers">The brokers, for example <c>localhost:9092</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="bootstrapServers"/> is empty.</exception>
    public static IWebSocketNotificationsBuilder AddKafka(this IWebSocketNotificationsBuilder builder, string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        return builder.AddKafka(o => o.BootstrapServers = bootstrapServers);
    }

    /// <summary>
    /// Adds the Kafka strategy with defaults set in code (the record key, producer settings, …); the values of
    /// <c>messageHandling:strategies:kafka</c> (a tenant's over the base section's) win over them. Calling it again
    /// replaces the earlier call for this provider configuration. The options are checked at start.
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="configure">Sets the defaults; it runs once per provider configuration and tenant.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddKafka(this IWebSocketNotificationsBuilder builder, Action<KafkaStrategyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.TryAddSingleton(sp => new KafkaStrategy(
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<KafkaStrategy>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KafkaShutdown>(sp => new KafkaShutdown(sp.GetRequiredService<KafkaStrategy>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaStrategyOptions>, KafkaStrategyOptionsValidator>());
        return builder.AddHandlingStrategy<KafkaStrategyOptions>(
            KafkaStrategyOptions.StrategyName,
            static sp => sp.GetRequiredService<KafkaStrategy>(),
            (section, options) =>
            {
                configure(options);
                KafkaOptionsBinder.Bind(section, options);
            },
            KafkaOptionsBinder.SpecAliases);
    }
}
