using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Kafka.Diagnostics;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// The spec's Kafka strategy: publishes the webhook payload to each tenant's topic through a shared idempotent producer
/// (<c>acks=all</c>; one per distinct producer configuration, so usually one) and completes only when the broker
/// acknowledged the record; a failed or timed-out delivery throws, so the pipeline retries it. librdkafka's own log
/// goes to <see cref="ILogger"/>. When the host stops, the producers are flushed for as long as the host's shutdown
/// token allows, no longer: a message still undelivered then stays in the spool and is published at the next start.
/// </summary>
internal sealed partial class KafkaStrategy : IBatchMessageHandlingStrategy<KafkaStrategyOptions>, IDisposable
{
    private static readonly byte[] JsonContentType = Encoding.UTF8.GetBytes(WebhookPayload.ContentType);

    /// <summary>How often one kind of librdkafka warning or error may reach the log (an unreachable broker repeats its every few milliseconds).</summary>
    internal static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, LogThrottle> _librdkafkaLogs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IProducer<string?, byte[]>>> _producers = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<KafkaStrategyOptions, Lazy<IProducer<string?, byte[]>>> _byOptions = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public KafkaStrategy(ILogger<KafkaStrategy> logger, TimeProvider? timeProvider = null)
    {
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many librdkafka warnings and errors are held back, not yet reported (for tests).</summary>
    internal int LibrdkafkaLinesHeld => _librdkafkaLogs.Values.Sum(t => t.Held);

    /// <summary>With <c>all</c>: when <c>publish</c> (the spec's <c>publishToKafka</c>) is on.</summary>
    public bool TakesPartInAll(KafkaStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Publish;
    }

    /// <summary>One message is a batch of one: a single produce path, whether the pipeline batches or not.</summary>
    public async ValueTask HandleAsync(IncomingMessage message, KafkaStrategyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await HandleBatchAsync([message], options, cancellationToken).ConfigureAwait(false) is [{ } failure])
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Produces every record of the batch at once (librdkafka batches them on the wire) and waits for all their delivery reports.</summary>
    public async ValueTask<IReadOnlyList<Exception?>?> HandleBatchAsync(IReadOnlyList<IncomingMessage> messages, KafkaStrategyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var producer = ProducerFor(options);
        var deliveries = new KafkaBatchDelivery(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                producer.Produce(options.Topic, Record(messages[i], options), deliveries.Handler(i));
            }
            catch (KafkaException ex)
            {
                // Not queued (for example librdkafka's local queue is full): this one is retried by the pipeline.
                deliveries.Fail(i, ex);
            }
        }

        // Once the host stops, deliveries still waited for are given up: their messages stay spooled for the next start.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        return await deliveries.Task.WaitAsync(stopping.Token).ConfigureAwait(false);
    }

    private static Message<string?, byte[]> Record(IncomingMessage message, KafkaStrategyOptions options) => new()
    {
        Key = options.Key(message),
        Value = WebhookPayload.Serialize(message),
        Headers =
        [
            new Header(KafkaHeaders.Event, Encoding.UTF8.GetBytes(message.Event)),
            new Header(KafkaHeaders.TenantId, Encoding.UTF8.GetBytes(message.TenantId)),
            new Header(KafkaHeaders.MessageId, Encoding.UTF8.GetBytes(message.Id)),
            new Header(KafkaHeaders.ContentType, JsonContentType),
        ],
    };

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
        var producers = Created();
        if (producers.Count == 0 || Volatile.Read(ref _disposed) == 1)
        {
            return 0;
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var left = await Task.WhenAll(producers.Select(producer => Task.Run(
            () =>
            {
                try
                {
                    producer.Flush(cancellationToken);
                    return 0;
                }
                catch (OperationCanceledException)
                {
                    return producer.Flush(TimeSpan.Zero);
                }
            },
            CancellationToken.None))).ConfigureAwait(false);
        var undelivered = left.Sum();
        if (undelivered > 0)
        {
            Log.FlushIncomplete(_logger, undelivered, (long)stopwatch.Elapsed.TotalMilliseconds);
        }

        return undelivered;
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
        foreach (var producer in Created())
        {
            producer.Dispose();
        }
    }

    private List<IProducer<string?, byte[]>> Created() => [.. _producers.Values.Where(p => p.IsValueCreated).Select(p => p.Value)];

    /// <summary>The producer for these options: tenants whose producer settings are equal share one.</summary>
    private IProducer<string?, byte[]> ProducerFor(KafkaStrategyOptions options) =>
        _byOptions.GetValue(options, o => _producers.GetOrAdd(
            Fingerprint(o),
            static (_, state) => new Lazy<IProducer<string?, byte[]>>(() => state.Strategy.Build(state.Options), LazyThreadSafetyMode.ExecutionAndPublication),
            (Strategy: this, Options: o))).Value;

    /// <summary>What makes two tenants' producers the same one (and their settings the same to check).</summary>
    internal static string Fingerprint(KafkaStrategyOptions options) => string.Join(
        '\n',
        [options.BootstrapServers, options.DeliveryTimeout.Ticks.ToString(CultureInfo.InvariantCulture), .. options.Producer.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)]);

    /// <summary>The producer configuration of these options: theirs, with the settings the delivery guarantee needs on top.</summary>
    internal static ProducerConfig Config(KafkaStrategyOptions options)
    {
        var config = new ProducerConfig(new Dictionary<string, string>(options.Producer, StringComparer.Ordinal))
        {
            BootstrapServers = options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = (int)Math.Clamp(options.DeliveryTimeout.TotalMilliseconds, 1, int.MaxValue),
        };
        config.Set("client.id", config.Get("client.id") ?? "notify-websocket-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return config;
    }

    private IProducer<string?, byte[]> Build(KafkaStrategyOptions options)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return new ProducerBuilder<string?, byte[]>(Config(options))
            .SetLogHandler((_, message) => OnLog(message))
            .SetErrorHandler((_, error) => OnError(error))
            .Build();
    }

    /// <summary>librdkafka's debug and informational lines pass as they come (its <c>debug</c> setting asks for them); its warnings and errors at most once per <see cref="LogInterval"/> per facility and level, with the count held back.</summary>
    private void OnLog(LogMessage message)
    {
        var level = ToLogLevel(message.Level);
        if (level < LogLevel.Warning)
        {
            Log.Librdkafka(_logger, level, message.Facility, message.Message);
        }
        else if (Throttle($"log {level} {message.Facility}").TryEnter(out var suppressed))
        {
            Log.LibrdkafkaWarning(_logger, level, message.Facility, message.Message, suppressed);
        }
    }

    /// <summary>Client errors at most once per <see cref="LogInterval"/> per error code, with the count held back; a fatal one always.</summary>
    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            Log.LibrdkafkaError(_logger, LogLevel.Critical, error.Code, error.Reason, 0);
        }
        else if (Throttle($"error {error.Code}").TryEnter(out var suppressed))
        {
            Log.LibrdkafkaError(_logger, LogLevel.Warning, error.Code, error.Reason, suppressed);
        }
    }

    private LogThrottle Throttle(string key) =>
        _librdkafkaLogs.GetOrAdd(key, static (_, time) => new LogThrottle(time, LogInterval), _timeProvider);

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
        [LoggerMessage(EventId = 5001, Message = "librdkafka {Facility}: {Message} ({Suppressed} more like it not logged since the last report)")]
        public static partial void LibrdkafkaWarning(ILogger logger, LogLevel level, string facility, string message, int suppressed);

        [LoggerMessage(EventId = 5002, Message = "librdkafka error {Code}: {Reason} ({Suppressed} more like it not logged since the last report)")]
        public static partial void LibrdkafkaError(ILogger logger, LogLevel level, ErrorCode code, string reason, int suppressed);

        [LoggerMessage(EventId = 5004, Message = "librdkafka {Facility}: {Message}")]
        public static partial void Librdkafka(ILogger logger, LogLevel level, string facility, string message);

        [LoggerMessage(5003, LogLevel.Warning, "Stopped waiting for Kafka deliveries after {ElapsedMs} ms (the host is stopping): {Undelivered} record(s) undelivered; their messages stay in the spool and are published at the next start")]
        public static partial void FlushIncomplete(ILogger logger, int undelivered, long elapsedMs);
    }
}
