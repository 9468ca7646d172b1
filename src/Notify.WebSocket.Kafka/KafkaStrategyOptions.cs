using Confluent.Kafka;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// The Kafka strategy's options, per provider configuration and tenant: set in code with <c>.AddKafka(…)</c> (the
/// defaults every tenant starts from), then bound from <c>messageHandling:strategies:kafka</c> of the provider's
/// section (a tenant's section over the base one), whose values win: <c>bootstrapServers</c>, <c>topic</c>,
/// <c>publish</c>, <c>deliveryTimeout</c> (ms) and <c>producer</c> (librdkafka settings by their own names). The spec's
/// <c>messageHandling:kafkaTopic</c> and <c>messageHandling:publishToKafka</c> are read as <c>topic</c> and
/// <c>publish</c>. Idempotence and <c>acks=all</c> are always on; <see cref="Producer"/> is never logged.
/// </summary>
public sealed class KafkaStrategyOptions
{
    /// <summary>The strategy's name: <c>messageHandling:strategy</c> <c>kafka</c>, and its section <c>messageHandling:strategies:kafka</c>.</summary>
    public const string StrategyName = "kafka";

    /// <summary>The topic used when none is configured: <c>websocket.incoming.messages</c>.</summary>
    public const string DefaultTopic = "websocket.incoming.messages";

    /// <summary><c>bootstrapServers</c>: the brokers, for example <c>broker1:9092,broker2:9092</c>. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary><c>topic</c> (or the spec's <c>messageHandling:kafkaTopic</c>): where messages are published. Default <see cref="DefaultTopic"/>.</summary>
    public string Topic { get; set; } = DefaultTopic;

    /// <summary>
    /// <c>publish</c> (or the spec's <c>messageHandling:publishToKafka</c>): with <c>messageHandling:strategy</c>
    /// <c>all</c>, publish to Kafka too. With strategy <c>kafka</c> messages are published whatever it says. Default false.
    /// </summary>
    public bool Publish { get; set; }

    /// <summary>The record key; default the message id, so a consumer can deduplicate and a message keeps its partition across retries.</summary>
    public Func<IncomingMessage, string?> Key { get; set; } = DefaultKey;

    /// <summary><c>deliveryTimeout</c> (ms in configuration): how long one publish may take, delivery report included (librdkafka's <c>message.timeout.ms</c>); after it the pipeline retries. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>producer</c>: further producer settings (SASL, TLS, compression, linger, …). Idempotence, acks and the bootstrap servers set above win.</summary>
    public ProducerConfig Producer { get; set; } = new();

    /// <summary>Problems found while binding the section, reported at start by the options validator.</summary>
    internal List<string> BindingErrors { get; } = [];

    internal static string? DefaultKey(IncomingMessage message) => message.Id;
}
