using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// The spec's Kafka strategy: publishes the webhook payload to <c>kafkaTopic</c> through one shared idempotent producer
/// (<c>acks=all</c>) and completes only when the broker acknowledged the record; a failed or timed-out delivery
/// throws, so the pipeline retries it. librdkafka's own log goes to <see cref="ILogger"/>. When the host stops, the
/// producer is flushed for as long as the host's shutdown token allows, no longer: a message still undelivered then
/// stays in the spool and is published at the next start.
/// </summary>
internal sealed partial class KafkaStrategy : IMessageHandlingStrategy, IDisposable
{
    private static readonly byte[] JsonContentType = Encoding.UTF8.GetBytes(WebhookPayload.ContentType);

    private readonly KafkaStrategyOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<IProducer<string?, byte[]>> _producer;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public KafkaStrategy(KafkaStrategyOptions options, ILogger<KafkaStrategy> logger)
    {
        _options = options;
        _logger = logger;
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

        // Once the host stops, a delivery still waited for is given up: the message stays spooled for the next start.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _producer.Value.ProduceAsync(options.MessageHandling.KafkaTopic, record, stopping.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// At host stop: waits for the records in flight to be delivered until <paramref name="cancellationToken"/> (the
    /// host's shutdown token) is cancelled, then gives up every delivery still awaited, so the pipeline's disposal
    /// finds nothing running and leaves those messages in the spool.
    /// </summary>
    /// <returns>How many records were still undelivered when it stopped waiting.</returns>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        if (!_producer.IsValueCreated || Volatile.Read(ref _disposed) == 1)
        {
            return 0;
        }

        var producer = _producer.Value;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        return await Task.Run(
            () =>
            {
                try
                {
                    producer.Flush(cancellationToken);
                    return 0;
                }
                catch (OperationCanceledException)
                {
                    var left = producer.Flush(TimeSpan.Zero);
                    Log.FlushIncomplete(_logger, left, (long)stopwatch.Elapsed.TotalMilliseconds);
                    return left;
                }
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Closes the producer without waiting for deliveries: <see cref="StopAsync"/> did that, bounded by the host's shutdown.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
        if (_producer.IsValueCreated)
        {
            _producer.Value.Dispose();
        }
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
        return new ProducerBuilder<string?, byte[]>(config)
            .SetLogHandler((_, message) => Log.Librdkafka(_logger, ToLogLevel(message.Level), message.Facility, message.Message))
            .SetErrorHandler((_, error) => Log.LibrdkafkaError(_logger, error.IsFatal ? LogLevel.Critical : LogLevel.Warning, error.Code, error.Reason))
            .Build();
    }

    private static LogLevel ToLogLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Message = "librdkafka {Facility}: {Message}")]
        public static partial void Librdkafka(ILogger logger, LogLevel level, string facility, string message);

        [LoggerMessage(EventId = 5002, Message = "librdkafka error {Code}: {Reason}")]
        public static partial void LibrdkafkaError(ILogger logger, LogLevel level, ErrorCode code, string reason);

        [LoggerMessage(5003, LogLevel.Warning, "Stopped waiting for Kafka deliveries after {ElapsedMs} ms (the host is stopping): {Undelivered} record(s) undelivered; their messages stay in the spool and are published at the next start")]
        public static partial void FlushIncomplete(ILogger logger, int undelivered, long elapsedMs);
    }
}
