using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Kafka.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Benchmarks;

/// <summary>
/// Messages/s through the Kafka and database strategies (pipeline with the durable spool on) against bare clients doing
/// the same work, alternating rounds in one run against one librdkafka mock cluster.
/// </summary>
public static class StrategyThroughput
{
    public const string KafkaBare = "kafka.bare";
    public const string KafkaBareAwaiting = "kafka.bare-await";
    public const string KafkaPipeline = "kafka.pipeline";
    public const string NoopPipeline = "noop.pipeline";
    public const string DatabaseBare = "db.bare";
    public const string DatabaseBareOneTransaction = "db.bare-1tx";
    public const string DatabasePipeline = "db.pipeline";

    private const string Noop = "noop";

    public static async Task<StrategyThroughputResult> RunAsync(StrategyThroughputSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var work = Directory.CreateTempSubdirectory("notify-ws-bench-").FullName;
        using var kafka = KafkaCluster.Mock();
        output.WriteLine($"{Environment.ProcessorCount} cores; kafka {settings.KafkaMessages} msgs, db {settings.DatabaseMessages} msgs, {settings.Rounds} rounds after one warm-up round, maxConcurrency {settings.MaxConcurrency}");
        output.WriteLine($"  {KafkaBare}: Produce with a delivery handler per record, acks=all, idempotent, default linger; the clock stops at the last report (no Flush)");
        output.WriteLine($"  {KafkaBareAwaiting}: ProduceAsync awaiting each report, at most maxConcurrency in flight, same settings");
        output.WriteLine($"  {KafkaPipeline}: EnqueueAsync (waits while the queue is full) -> spool (append-only log, fsync per batch) -> Kafka strategy (awaits each report) -> removed from the spool");
        output.WriteLine($"  {NoopPipeline}: the same pipeline and spool with a strategy that does nothing (the spool's ceiling)");
        output.WriteLine($"  {DatabaseBare}: one autocommit INSERT per message; {DatabaseBareOneTransaction}: every INSERT in one transaction");

        var results = new Dictionary<string, List<double>>();
        void Record(string name, double rate)
        {
            (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(rate);
            output.WriteLine($"  {name,-16} {rate,10:N0} msg/s");
        }

        // Round 0 warms up and is not counted: a consumer runs for hours, so what counts is code the JIT has optimized,
        // and the pipeline has far more of it than a bare client (unwarmed, it ran its first second mostly unoptimized).
        var round = 0;
        async Task RunAsync(string name, Func<Task<double>> scenario)
        {
            if (settings.Only is null || settings.Only.Split(',').Any(only => name.StartsWith(only, StringComparison.Ordinal)))
            {
                var rate = await scenario().ConfigureAwait(false);
                if (round > 0)
                {
                    Record(name, rate);
                }
            }
        }

        for (; round <= settings.Rounds; round++)
        {
            var r = round;
            await RunAsync(KafkaBare, () => BareKafkaAsync(kafka, r, settings.KafkaMessages)).ConfigureAwait(false);
            await RunAsync(KafkaBareAwaiting, () => BareKafkaAwaitingAsync(kafka, r, settings.KafkaMessages, settings.MaxConcurrency)).ConfigureAwait(false);
            await RunAsync(KafkaPipeline, () => PipelineAsync(kafka, work, r, "kafka", settings.KafkaMessages, settings.MaxConcurrency)).ConfigureAwait(false);
            await RunAsync(NoopPipeline, () => PipelineAsync(kafka, work, r, Noop, settings.KafkaMessages, settings.MaxConcurrency)).ConfigureAwait(false);
            await RunAsync(DatabaseBare, () => BareInsertsAsync(work, r, settings.DatabaseMessages, oneTransaction: false)).ConfigureAwait(false);
            await RunAsync(DatabaseBareOneTransaction, () => BareInsertsAsync(work, r, settings.DatabaseMessages, oneTransaction: true)).ConfigureAwait(false);
            await RunAsync(DatabasePipeline, () => PipelineAsync(kafka, work, r, "database", settings.DatabaseMessages, settings.MaxConcurrency)).ConfigureAwait(false);
        }

        var result = new StrategyThroughputResult(results.ToDictionary(r => r.Key, r => (IReadOnlyList<double>)r.Value));
        output.WriteLine();
        foreach (var (name, values) in results)
        {
            output.WriteLine($"{name,-16} median {result.Median(name),10:N0} msg/s   [{string.Join(", ", values.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))}]");
        }

        output.WriteLine($"kafka strategy / bare producer (Produce + delivery handler): {result.KafkaRatio:P1}");
        output.WriteLine($"kafka strategy / bare ProduceAsync awaiting each report: {result.KafkaAwaitingRatio:P1}");
        output.WriteLine($"database strategy / bare inserts: {result.DatabaseRatio:P1}");
        output.WriteLine($"database strategy / bare inserts in one transaction: {result.Median(DatabasePipeline) / result.Median(DatabaseBareOneTransaction):P1}");
        Directory.Delete(work, recursive: true);
        return result;
    }

    private static IProducer<string?, byte[]> BareProducer(KafkaCluster kafka) =>
        new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true, Acks = Acks.All }).Build();

    private static Message<string?, byte[]> Record(IncomingMessage message) => new()
    {
        // The same value and headers the strategy publishes.
        Key = message.Id,
        Value = WebhookPayload.Serialize(message),
        Headers = [new Header("event", "message:received"u8.ToArray()), new Header("tenant-id", "bench"u8.ToArray()), new Header("message-id", System.Text.Encoding.UTF8.GetBytes(message.Id)), new Header("content-type", "application/json"u8.ToArray())],
    };

    private static async Task<double> BareKafkaAsync(KafkaCluster kafka, int round, int count)
    {
        // The same producer settings the strategy forces (idempotent, acks=all), the same value and headers.
        var topic = $"bench.bare.{round}";
        await kafka.CreateTopicAsync(topic).ConfigureAwait(false);
        using var producer = BareProducer(kafka);
        var messages = Enumerable.Range(0, count).Select(i => Message($"bare-{round}-{i}")).ToArray();
        var delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        foreach (var message in messages)
        {
            producer.Produce(topic, Record(message), report =>
            {
                if (report.Error.IsError)
                {
                    done.TrySetException(new InvalidOperationException(report.Error.Reason));
                }

                if (Interlocked.Increment(ref delivered) == count)
                {
                    done.TrySetResult();
                }
            });
        }

        await done.Task.ConfigureAwait(false);
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> BareKafkaAwaitingAsync(KafkaCluster kafka, int round, int count, int concurrency)
    {
        // What the strategy has to do without the pipeline: await every report, a bounded number of messages in flight.
        var topic = $"bench.bare-await.{round}";
        await kafka.CreateTopicAsync(topic).ConfigureAwait(false);
        using var producer = BareProducer(kafka);
        var messages = Enumerable.Range(0, count).Select(i => Message($"bare-await-{round}-{i}")).ToArray();
        using var slots = new SemaphoreSlim(concurrency);
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>(count);
        foreach (var message in messages)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            sends.Add(SendAsync(message));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        return count / clock.Elapsed.TotalSeconds;

        async Task SendAsync(IncomingMessage message)
        {
            try
            {
                await producer.ProduceAsync(topic, Record(message)).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private static async Task<double> BareInsertsAsync(string work, int round, int dbMessages, bool oneTransaction)
    {
        // One autocommit INSERT per message on one connection (what storing each message on its own costs), or every
        // INSERT in one transaction (the upper bound no at-least-once sink reaches: nothing is acknowledged until the end).
        var path = Path.Combine(work, $"bare-{round}-{oneTransaction}.db");
        await using var source = SqliteFactory.Instance.CreateDataSource($"Data Source={path}");
        // The strategy's own table (its primary key and its index), so both sides do the same work in SQLite.
        await using (var create = source.CreateCommand(Notify.WebSocket.Handling.Database.NotificationsDialect.Sqlite.CreateTable("notifications")))
        {
            await create.ExecuteNonQueryAsync();
        }

        var messages = Enumerable.Range(0, dbMessages).Select(i => Message($"bare-{round}-{i}")).ToArray();
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        await using var transaction = oneTransaction ? connection.BeginTransaction() : null;
        foreach (var message in messages)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO notifications VALUES (@id, @t, 'websocket', @e, @s, @b, @m, @u, @p, @r) ON CONFLICT (id) DO NOTHING";
            insert.Parameters.AddWithValue("@id", message.Id);
            insert.Parameters.AddWithValue("@t", message.TenantId);
            insert.Parameters.AddWithValue("@e", message.Event);
            insert.Parameters.AddWithValue("@s", "WebSocket: " + message.Event);
            insert.Parameters.AddWithValue("@b", message.Data.GetRawText());
            insert.Parameters.AddWithValue("@m", "{}");
            insert.Parameters.AddWithValue("@u", message.Source.Url);
            insert.Parameters.AddWithValue("@p", message.Source.Protocol);
            insert.Parameters.AddWithValue("@r", WebhookPayload.FormatTimestamp(message.Timestamp));
            await insert.ExecuteNonQueryAsync();
        }

        transaction?.Commit();
        return dbMessages / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> PipelineAsync(KafkaCluster kafka, string work, int round, string strategy, int count, int concurrency)
    {
        var topic = $"bench.pipeline.{strategy}.{round}";
        if (strategy == "kafka")
        {
            await kafka.CreateTopicAsync(topic);
        }

        var (provider, pipeline) = StartPipeline(
            h =>
            {
                h.Strategy = strategy;
                h.DatabasePath = Path.Combine(work, $"pipeline-{round}.db");
                h.SpoolPath = Path.Combine(work, $"spool-{strategy}-{round}");
                h.MaxConcurrency = concurrency;
            },
            b => b.AddSqlite().AddKafka(k => { k.BootstrapServers = kafka.BootstrapServers; k.Topic = topic; }));
        await using var disposeProvider = provider.ConfigureAwait(false);

        // Warm-up: the producer connects / the table is created before the clock starts.
        pipeline.TryEnqueue(Message($"warmup-{round}"));
        await UntilAsync(() => pipeline.Pending == 0);

        var messages = Enumerable.Range(0, count).Select(i => Message($"p-{round}-{i}")).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (var message in messages)
        {
            // As the receive loop does: a full queue makes it wait (back-pressure), it does not spin.
            var accepting = pipeline.EnqueueAsync(message);
            if (!(accepting.IsCompletedSuccessfully ? accepting.Result : await accepting.ConfigureAwait(false)))
            {
                throw new InvalidOperationException("The pipeline refused a message.");
            }
        }

        await UntilAsync(() => pipeline.Completed == count + 1);
        var rate = count / clock.Elapsed.TotalSeconds;
        await pipeline.DisposeAsync();
        return rate;
    }

    /// <summary>
    /// The window a crash can lose where the server cannot be told: from handing a message to the pipeline until it is
    /// durable (the spool write that holds it has been flushed), for a steady stream of <paramref name="rate"/> msg/s
    /// (not an overload, where the wait for room in the queue would be measured instead).
    /// </summary>
    /// <returns>p50, p99 and the maximum, in milliseconds.</returns>
    public static async Task<(double P50, double P99, double Max)> DurableLatencyAsync(int rate, int seconds)
    {
        var work = Directory.CreateTempSubdirectory("notify-ws-latency-").FullName;
        var (provider, pipeline) = StartPipeline(
            h =>
            {
                h.Strategy = Noop;
                h.SpoolPath = Path.Combine(work, "spool");
            },
            static _ => { });
        await using (provider.ConfigureAwait(false))
        {
            var handedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
            var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            pipeline.Durable = m =>
            {
                if (handedAt.TryRemove(m.Id, out var at))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
            };

            // One more second first, not counted: the spool's first writes and the JIT's first compilations.
            var warmUp = rate;
            var count = warmUp + (rate * seconds);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                // Paced: message i is due at i / rate seconds.
                var due = TimeSpan.FromSeconds((double)i / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
                }

                var message = Message($"l-{i}");
                if (i >= warmUp)
                {
                    handedAt[message.Id] = Stopwatch.GetTimestamp();
                }

                await pipeline.EnqueueAsync(message).ConfigureAwait(false);
            }

            await UntilAsync(() => pipeline.Pending == 0).ConfigureAwait(false);
            await pipeline.DisposeAsync().ConfigureAwait(false);
            var sorted = latencies.Order().ToArray();
            Directory.Delete(work, recursive: true);
            return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], sorted[^1]);
        }
    }

    /// <summary>A receiving external provider configuration (nothing connects) and its pipeline, with the no-op strategy added.</summary>
    private static (ServiceProvider Provider, IncomingPipeline Pipeline) StartPipeline(Action<MessageHandlingOptions> handling, Action<IWebSocketNotificationsBuilder> add)
    {
        var services = new ServiceCollection();
        var builder = services.AddWebSocketNotifications(o =>
        {
            o.Mode = WebSocketMode.External;
            o.Protocol = WebSocketProtocol.Ws;
            o.Url = "ws://127.0.0.1:9/ws";
            o.EnableReceiving = true;
            handling(o.MessageHandling);
        }).AddHandlingStrategy<NoopStrategy.Settings>(Noop, _ => new NoopStrategy(), static (_, _) => { });
        add(builder);
        var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");
        return (provider, provider.GetRequiredService<IncomingPipelineFactory>().Create("bench", options)!);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("The pipeline did not drain.");
            }

            await Task.Delay(1);
        }
    }

    private static IncomingMessage Message(string id) => new()
    {
        Id = id,
        Event = "message:received",
        Data = JsonDocument.Parse("""{"text":"hello from the benchmark","n":42}""").RootElement.Clone(),
        Timestamp = DateTimeOffset.UtcNow,
        TenantId = "bench",
        Source = new MessageSource { Url = "ws://127.0.0.1:9/ws", Protocol = "ws" },
    };

    private sealed class NoopStrategy : IMessageHandlingStrategy<NoopStrategy.Settings>
    {
        public ValueTask HandleAsync(IncomingMessage message, Settings options, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        internal sealed class Settings;
    }
}
