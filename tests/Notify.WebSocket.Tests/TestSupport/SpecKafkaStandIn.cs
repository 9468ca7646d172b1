using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Handling.Strategies;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>
/// Stands in for the Kafka package in the core's tests (which do not reference it), added through the same public
/// mechanism: a strategy named <c>kafka</c> whose section also takes the spec's <c>messageHandling:kafkaTopic</c> and
/// <c>publishToKafka</c>.
/// </summary>
internal sealed class SpecKafkaStandIn : IMessageHandlingStrategy<SpecKafkaStandIn.Settings>
{
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string> { ["kafkaTopic"] = "topic", ["publishToKafka"] = "publish" };

    public ConcurrentQueue<(IncomingMessage Message, Settings Options)> Handled { get; } = new();

    public static HandlingStrategyRegistration Registration(string providerName = "websocket") =>
        new ConfiguredHandlingStrategy<Settings>(providerName, "kafka", _ => new SpecKafkaStandIn(), Bind, Aliases);

    public static void AddTo(IWebSocketNotificationsBuilder builder) =>
        builder.AddHandlingStrategy<Settings>("kafka", _ => new SpecKafkaStandIn(), Bind, Aliases);

    public static Settings Of(WebSocketProviderOptions options) => (Settings)options.StrategyOptions["kafka"];

    public bool TakesPartInAll(Settings options) => options.Publish;

    public ValueTask HandleAsync(IncomingMessage message, Settings options, CancellationToken cancellationToken = default)
    {
        Handled.Enqueue((message, options));
        return ValueTask.CompletedTask;
    }

    private static void Bind(IConfigurationSection section, Settings options)
    {
        options.Topic = section["topic"] ?? options.Topic;
        options.Publish = section["publish"] is { } publish ? bool.Parse(publish) : options.Publish;
    }

    internal sealed class Settings
    {
        public string Topic { get; set; } = "websocket.incoming.messages";

        public bool Publish { get; set; }
    }
}
