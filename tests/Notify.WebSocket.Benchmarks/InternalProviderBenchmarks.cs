using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Internal;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// What the internal-mode provider adds over calling the gateway directly: argument checks, the id, the payload,
/// the result with its metadata, and metrics. Members read their buffers after each send.
/// </summary>
[MemoryDiagnoser]
public class InternalProviderBenchmarks
{
    private readonly List<InProcessConnection> _connections = [];
    private InProcessNotificationGateway _gateway = null!;
    private InternalGatewayProvider _provider = null!;
    private readonly NotificationRecipient _recipient = NotificationRecipient.ForChannel(Samples.Channel);

    [Params(1, 100)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new InProcessNotificationGateway();
        _connections.AddRange(Samples.ChannelMembers(_gateway, Members));

        var options = new WebSocketProviderOptions { Mode = WebSocketMode.Internal, SupportChannelBroadcast = true };
        _provider = new InternalGatewayProvider(Samples.Tenant, options, _gateway, TimeProvider.System, NullLogger.Instance);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _provider.DisposeAsync();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>A host calling the gateway itself with an id it already has: the payload, the send.</summary>
    [Benchmark(Baseline = true)]
    public int RawGateway()
    {
        var payload = NotificationPayload.Create(Samples.Id, _recipient, Samples.WithData, TimeProvider.System.GetUtcNow());
        var delivered = Samples.Completed(_gateway.SendToChannelAsync(Samples.Tenant, Samples.Channel, payload));
        Drain();
        return delivered;
    }

    [Benchmark]
    public bool ProviderSendToChannel()
    {
        var result = Samples.Completed(_provider.SendToChannelAsync(Samples.Channel, Samples.WithData));
        Drain();
        return result.Success;
    }

    private void Drain()
    {
        foreach (var connection in _connections)
        {
            connection.Notifications.TryRead(out _);
        }
    }
}
