using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Notify.WebSocket.Kafka.Tests.TestSupport;

/// <summary>
/// A Kafka cluster for a test class: librdkafka's mock cluster (a real Kafka-protocol server on loopback, started
/// through P/Invoke), or the real broker at <c>KAFKA_BOOTSTRAP_SERVERS</c> when that is set.
/// </summary>
public sealed partial class KafkaCluster : IDisposable
{
    private const string Librdkafka = "librdkafka";
    private IntPtr _client;
    private IntPtr _cluster;

    static KafkaCluster() => NativeLibrary.SetDllImportResolver(typeof(KafkaCluster).Assembly, Resolve);

    public KafkaCluster()
        : this(Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS"))
    {
    }

    private KafkaCluster(string? realBootstrap)
    {
        if (!string.IsNullOrWhiteSpace(realBootstrap))
        {
            BootstrapServers = realBootstrap;
            return;
        }

        var error = new byte[512];
        _client = rd_kafka_new(0, rd_kafka_conf_new(), error, (nuint)error.Length);
        if (_client == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0'));
        }

        _cluster = rd_kafka_mock_cluster_new(_client, 1);
        rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(_cluster))!;
    }

    public string BootstrapServers { get; }

    public bool IsMock => _cluster != IntPtr.Zero;

    /// <summary>A cluster that is always librdkafka's mock (tests that take brokers down and up).</summary>
    public static KafkaCluster Mock() => new(realBootstrap: null);

    public async Task CreateTopicAsync(string topic)
    {
        if (IsMock)
        {
            Check(rd_kafka_mock_topic_create(_cluster, topic, 1, 1), "rd_kafka_mock_topic_create");
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
        }
    }

    /// <summary>Takes the (only) mock broker down: connections are closed and refused until <see cref="SetUp"/>.</summary>
    public void SetDown() => Check(rd_kafka_mock_broker_set_down(_cluster, 1), "rd_kafka_mock_broker_set_down");

    public void SetUp() => Check(rd_kafka_mock_broker_set_up(_cluster, 1), "rd_kafka_mock_broker_set_up");

    /// <summary>Reads <paramref name="count"/> records from the start of the topic's partition 0.</summary>
    public List<ConsumeResult<string?, byte[]>> Consume(string topic, int count, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "notify-tests-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false, Message: not null } record)
            {
                records.Add(record);
            }
        }

        consumer.Close();
        return records;
    }

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_client != IntPtr.Zero)
        {
            rd_kafka_destroy(_client);
            _client = IntPtr.Zero;
        }
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"{call} returned librdkafka error {error}.");
        }
    }

    /// <summary>The same file, in the same order, that Confluent.Kafka loads: the plain build, else the centos8 build (Debian 12 lacks libsasl2.so.3).</summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Librdkafka)
        {
            return IntPtr.Zero;
        }

        var directory = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", "native");
        foreach (var file in new[] { "librdkafka.so", "centos8-librdkafka.so" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(directory, file), out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    [LibraryImport(Librdkafka)]
    private static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Librdkafka)]
    private static partial IntPtr rd_kafka_new(int type, IntPtr conf, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(Librdkafka)]
    private static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Librdkafka)]
    private static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Librdkafka)]
    private static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Librdkafka)]
    private static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Librdkafka, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Librdkafka)]
    private static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    [LibraryImport(Librdkafka)]
    private static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Librdkafka)]
    private static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);
}
