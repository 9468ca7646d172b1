using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// The spec's Kafka strategy: publishes the webhook payload to <c>kafkaTopic</c> through one shared idempotent producer
/// (<c>acks=all</c>) and completes only when the broker acknowledged the record; a failed or timed-out delivery
/// throws, so the pipeline retries it. The producer is flushed and closed when the container is disposed.
/// </summary>
internal sealed class KafkaStrategy : IMessageHandlingStrategy, IDisposable
{
    private static readonly byte[] JsonContentType = Encoding.UTF8.GetBytes(WebhookPayload.ContentType);

    private readonly KafkaStrategyOptions _options;
    private readonly Lazy<IProducer<string?, byte[]>> _producer;
    private int _disposed;

    public KafkaStrategy(KafkaStrategyOptions options)
    {
        _options = options;
        _producer = new Lazy<IProducer<string?, byte[]>>(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name => MessageHandlingStrategies.Kafka;

    public async ValueTask HandleAsync(IncomingMessage message, WebSocketProviderOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var record = new Message<string?, byte[]>
        {
            Key = _options.Key(message),
            Value = WebhookPayload.Serialize(message),
            Headers =
            [
                new Header(KafkaHeaders.Event, Encoding.UTF8.GetBytes(message.Event)),
                new Header(KafkaHeaders.TenantId, Encoding.UTF8.GetBytes(message.TenantId)),
                new Header(KafkaHeaders.MessageId, Encoding.UTF8.GetBytes(message.Id)),
                new Header(KafkaHeaders.ContentType, JsonContentType),
            ],
        };

        await _producer.Value.ProduceAsync(options.MessageHandling.KafkaTopic, record, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || !_producer.IsValueCreated)
        {
            return;
        }

        var producer = _producer.Value;
        producer.Flush(_options.DeliveryTimeout);
        producer.Dispose();
    }

    private IProducer<string?, byte[]> Build()
    {
        var config = new ProducerConfig(new Dictionary<string, string>(_options.Producer, StringComparer.Ordinal))
        {
            BootstrapServers = _options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = (int)Math.Clamp(_options.DeliveryTimeout.TotalMilliseconds, 1, int.MaxValue),
        };
        config.Set("client.id", config.Get("client.id") ?? "notify-websocket-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new ProducerBuilder<string?, byte[]>(config).Build();
    }
}
