using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket;
using Notify.WebSocket.Kafka;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Kafka strategy (<c>messageHandling:strategy</c> <c>kafka</c>, or <c>all</c> with <c>publishToKafka</c>).</summary>
public static class KafkaWebSocketNotificationsBuilderExtensions
{
    /// <summary>Adds the Kafka strategy with one shared idempotent producer to <paramref name="bootstrapServers"/>.</summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="bootstrapServers">The brokers, for example <c>localhost:9092</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="bootstrapServers"/> is empty.</exception>
    public static IWebSocketNotificationsBuilder AddKafka(this IWebSocketNotificationsBuilder builder, string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        return builder.AddKafka(o => o.BootstrapServers = bootstrapServers);
    }

    /// <summary>Adds the Kafka strategy configured in code; calling it again replaces the configuration.</summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="configure">Sets the producer options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The options have no bootstrap servers.</exception>
    public static IWebSocketNotificationsBuilder AddKafka(this IWebSocketNotificationsBuilder builder, Action<KafkaStrategyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new KafkaStrategyOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            throw new ArgumentException("KafkaStrategyOptions.BootstrapServers is required, for example \"localhost:9092\".", nameof(configure));
        }

        builder.Services.RemoveAll<KafkaStrategy>();
        builder.Services.AddSingleton(sp => new KafkaStrategy(options, (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<KafkaStrategy>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageHandlingStrategy, KafkaStrategy>(sp => sp.GetRequiredService<KafkaStrategy>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KafkaShutdown>(sp => new KafkaShutdown(sp.GetRequiredService<KafkaStrategy>())));
        return builder;
    }
}
