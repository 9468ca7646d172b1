using Confluent.Kafka;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// The Kafka strategy's producer. The topic is each provider's <c>messageHandling:kafkaTopic</c>. Idempotence and
/// <c>acks=all</c> are always on; <see cref="Producer"/> carries anything else (security, compression, …) and is never logged.
/// </summary>
public sealed class KafkaStrategyOptions
{
    /// <summary>The brokers, for example <c>broker1:9092,broker2:9092</c>. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The record key; default the message id, so a consumer can deduplicate and a message keeps its partition across retries.</summary>
    public Func<IncomingMessage, string?> Key { get; set; } = DefaultKey;

    /// <summary>How long one publish may take, delivery report included (librdkafka's <c>message.timeout.ms</c>); after it the pipeline retries. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Further producer settings (SASL, TLS, compression, linger, …). Idempotence, acks and the bootstrap servers set above win.</summary>
    public ProducerConfig Producer { get; set; } = new();

    internal static string? DefaultKey(IncomingMessage message) => message.Id;
}
