using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Kafka.Tests.TestSupport;

// Messages/s through the Kafka and database strategies (pipeline with the durable spool on) against bare clients
// doing the same work, alternating rounds in one run. Ratios, not absolute figures, are what to compare.
var kafkaMessages = Arg("--kafka", 10_000);
var dbMessages = Arg("--db", 3_000);
var rounds = Arg("--rounds", 3);
var concurrency = Arg("--concurrency", 256);
var work = Directory.CreateTempSubdirectory("notify-ws-bench-").FullName;
using var kafka = KafkaCluster.Mock();
Console.WriteLine($"{Environment.ProcessorCount} cores; kafka {kafkaMessages} msgs, db {dbMessages} msgs, {rounds} rounds, maxConcurrency {concurrency}");

var results = new Dictionary<string, List<double>>();
for (var round = 1; round <= rounds; round++)
{
    Record("kafka.bare", await BareKafkaAsync(round));
    Record("kafka.pipeline", await PipelineAsync(round, "kafka", kafkaMessages));
    Record("db.bare", await BareInsertsAsync(round, oneTransaction: false));
    Record("db.bare-1tx", await BareInsertsAsync(round, oneTransaction: true));
    Record("db.pipeline", await PipelineAsync(round, "database", dbMessages));
}

Console.WriteLine();
foreach (var (name, values) in results)
{
    Console.WriteLine($"{name,-16} median {Median(values),10:N0} msg/s   [{string.Join(", ", values.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))}]");
}

Console.WriteLine($"kafka strategy / bare producer: {Median(results["kafka.pipeline"]) / Median(results["kafka.bare"]):P1}");
Console.WriteLine($"database strategy / bare inserts: {Median(results["db.pipeline"]) / Median(results["db.bare"]):P1}");
Console.WriteLine($"database strategy / bare inserts in one transaction: {Median(results["db.pipeline"]) / Median(results["db.bare-1tx"]):P1}");
Directory.Delete(work, recursive: true);
return;

void Record(string name, double rate)
{
    (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(rate);
    Console.WriteLine($"  {name,-16} {rate,10:N0} msg/s");
}

async Task<double> BareKafkaAsync(int round)
{
    // The same producer settings the strategy forces (idempotent, acks=all), the same value and headers.
    var topic = $"bench.bare.{round}";
    await kafka.CreateTopicAsync(topic);
    using var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true, Acks = Acks.All }).Build();
    var messages = Enumerable.Range(0, kafkaMessages).Select(i => Message($"bare-{round}-{i}")).ToArray();
    var delivered = 0;
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var clock = Stopwatch.StartNew();
    foreach (var message in messages)
    {
        var record = new Message<string?, byte[]>
        {
            Key = message.Id,
            Value = WebhookPayload.Serialize(message),
            Headers = [new Header("event", "message:received"u8.ToArray()), new Header("tenant-id", "bench"u8.ToArray()), new Header("message-id", System.Text.Encoding.UTF8.GetBytes(message.Id)), new Header("content-type", "application/json"u8.ToArray())],
        };
        producer.Produce(topic, record, report =>
        {
            if (report.Error.IsError)
            {
                throw new InvalidOperationException(report.Error.Reason);
            }

            if (Interlocked.Increment(ref delivered) == kafkaMessages)
            {
                done.TrySetResult();
            }
        });
    }

    await done.Task;
    return kafkaMessages / clock.Elapsed.TotalSeconds;
}

async Task<double> BareInsertsAsync(int round, bool oneTransaction)
{
    // One autocommit INSERT per message on one connection (what storing each message on its own costs), or every
    // INSERT in one transaction (the upper bound no at-least-once sink reaches: nothing is acknowledged until the end).
    var path = Path.Combine(work, $"bare-{round}-{oneTransaction}.db");
    await using var source = SqliteFactory.Instance.CreateDataSource($"Data Source={path}");
    await using (var create = source.CreateCommand("PRAGMA journal_mode=WAL; CREATE TABLE notifications (id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL, channel TEXT NOT NULL, event TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, metadata TEXT NOT NULL, source_url TEXT NOT NULL, source_protocol TEXT NOT NULL, received_at TEXT NOT NULL)"))
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

async Task<double> PipelineAsync(int round, string strategy, int count)
{
    var topic = $"bench.pipeline.{round}";
    if (strategy == "kafka")
    {
        await kafka.CreateTopicAsync(topic);
    }

    var services = new ServiceCollection();
    services.AddWebSocketNotifications(o =>
    {
        o.Mode = WebSocketMode.External;
        o.Protocol = WebSocketProtocol.Ws;
        o.Url = "ws://127.0.0.1:9/ws";
        o.EnableReceiving = true;
        o.MessageHandling.Strategy = strategy;
        o.MessageHandling.KafkaTopic = topic;
        o.MessageHandling.DatabasePath = Path.Combine(work, $"pipeline-{round}.db");
        o.MessageHandling.SpoolPath = Path.Combine(work, $"spool-{strategy}-{round}.db");
        o.MessageHandling.MaxConcurrency = concurrency;
    }).AddKafka(kafka.BootstrapServers);
    await using var provider = services.BuildServiceProvider();
    var options = provider.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");
    var pipeline = provider.GetRequiredService<IncomingPipelineFactory>().Create("bench", options)!;

    // Warm-up: the producer connects / the table is created before the clock starts.
    pipeline.TryEnqueue(Message($"warmup-{round}"));
    await UntilAsync(() => pipeline.Pending == 0);

    var messages = Enumerable.Range(0, count).Select(i => Message($"p-{round}-{i}")).ToArray();
    var clock = Stopwatch.StartNew();
    foreach (var message in messages)
    {
        while (!pipeline.TryEnqueue(message))
        {
            await Task.Yield();
        }
    }

    await UntilAsync(() => pipeline.Completed == count + 1);
    var rate = count / clock.Elapsed.TotalSeconds;
    await pipeline.DisposeAsync();
    return rate;
}

static async Task UntilAsync(Func<bool> condition)
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

static IncomingMessage Message(string id) => new()
{
    Id = id,
    Event = "message:received",
    Data = JsonDocument.Parse("""{"text":"hello from the benchmark","n":42}""").RootElement.Clone(),
    Timestamp = DateTimeOffset.UtcNow,
    TenantId = "bench",
    Source = new MessageSource { Url = "ws://127.0.0.1:9/ws", Protocol = "ws" },
};

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
