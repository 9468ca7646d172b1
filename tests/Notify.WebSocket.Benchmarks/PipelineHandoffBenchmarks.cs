using System.Text.Json;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.External;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Registry;
using Notify.WebSocket.Handling.Spool.AppendLog;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// What one incoming event costs the receive loop: <see cref="ExternalProvider.OnIncomingAsync"/> builds the
/// <see cref="IncomingMessage"/>, publishes it to ReceiveAsync readers and hands it to the tenant's pipeline
/// (<see cref="IncomingPipeline.TryEnqueue"/>). Each iteration hands off <see cref="Messages"/> events to a fresh
/// pipeline (its queue is made large enough that none is refused) whose writer loop spools them to SQLite meanwhile, as it
/// would in production; allocations are process-wide, so the writer loop's share is counted too.
/// </summary>
[MemoryDiagnoser]
public class PipelineHandoffBenchmarks
{
    private const int Messages = 50_000;

    /// <summary>Above <see cref="Messages"/>, so no hand-off is refused; the queue's capacity does not change the cost of a write.</summary>
    private const int Capacity = 2 * Messages;

    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "notify-bench-" + Guid.NewGuid().ToString("N"));
    private readonly SpoolRegistry _spools = new(new LogSpoolStore());
    private ConnectionPool _pool = null!;
    private MemoryConnection _connection = null!;
    private ConnectionLease<ExternalConnection> _held = null!;
    private WebSocketProviderOptions _options = null!;
    private ExternalProvider? _provider;
    private Channel<IncomingMessage>? _channel;
    private IncomingFrame _frame;
    private readonly MessageSource _source = new() { Url = "wss://notify.example.com/ws", Protocol = "ws" };

    [GlobalSetup]
    public async Task Setup()
    {
        _options = Samples.ExternalWs();
        _options.EnableReceiving = true;
        _options.SubscribeToEvents = ["chat-message"];
        _options.MessageHandling.Strategy = "noop";
        _options.MessageHandling.SpoolPath = Path.Combine(_spoolDirectory, "spool");
        _options.MessageHandling.QueueCapacity = Capacity;
        _pool = new ConnectionPool(NullLogger.Instance);
        _connection = new MemoryConnection(_options);
        _held = _pool.Acquire<ExternalConnection>(ConnectionPoolKey.From(_options), _ => _connection);
        await _connection.StartAndWaitAsync();
        using var data = JsonDocument.Parse("""{"from":"user-7","text":"Are we still on for Thursday?","room":"support"}""");
        _frame = new IncomingFrame("chat-message", data.RootElement.Clone(), "0197a4c3e1b27c4f9d6a3b8e5f1c2d41", "2026-11-26T05:30:00.000Z");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _held.DisposeAsync();
        await _pool.DisposeAsync();
        if (Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }

    [IterationSetup(Target = nameof(BoundedChannelTryWrite))]
    public void SetupChannel() =>
        _channel = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    [IterationSetup(Target = nameof(OnIncoming_NoPipeline))]
    public void SetupWithoutPipeline() => _provider = NewProvider(pipeline: null);

    [IterationSetup(Target = nameof(OnIncoming_SpooledPipeline))]
    public void SetupWithPipeline() =>
        _provider = NewProvider(new IncomingPipeline(Samples.Tenant, "bench@" + Samples.Tenant, [NoopStrategy.Selected()], _options, _spools, TimeProvider.System, NullLogger.Instance));

    [IterationCleanup]
    public void CleanupIteration()
    {
        _channel = null;
        if (_provider is not null)
        {
            // Waits for the pipeline to spool and deliver everything, outside the measurement.
            _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _provider = null;
        }
    }

    /// <summary>The floor: the same message built and written to a bounded channel nobody reads.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public void BoundedChannelTryWrite()
    {
        var writer = _channel!.Writer;
        for (var i = 0; i < Messages; i++)
        {
            writer.TryWrite(new IncomingMessage
            {
                Id = _frame.Id!,
                Event = _frame.Event,
                Data = _frame.Data,
                Timestamp = DateTimeOffset.UtcNow,
                TenantId = Samples.Tenant,
                Source = _source,
            });
        }
    }

    /// <summary>Receiving enabled, strategy <c>none</c>: the message is built and published to ReceiveAsync readers only.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void OnIncoming_NoPipeline() => Feed();

    [Benchmark(OperationsPerInvoke = Messages)]
    public void OnIncoming_SpooledPipeline() => Feed();

    private void Feed()
    {
        var provider = _provider!;
        for (var i = 0; i < Messages; i++)
        {
            var handing = provider.OnIncomingAsync(_frame, acknowledgment: null);
            if (!handing.IsCompletedSuccessfully)
            {
                handing.AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private ExternalProvider NewProvider(IncomingPipeline? pipeline) =>
        new(Samples.Tenant, _options, _pool.Acquire<ExternalConnection>(ConnectionPoolKey.From(_options), _ => _connection), pipeline, TimeProvider.System, NullLogger.Instance);
}
