using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// In-process gateway channel broadcast to N members, each member's buffer read back after the send (a consumer
/// keeps up), against writing the same payload to N bare bounded channels.
/// </summary>
[MemoryDiagnoser]
public class GatewayFanoutBenchmarks
{
    private readonly List<InProcessConnection> _connections = [];
    private InProcessNotificationGateway _gateway = null!;
    private Channel<NotificationPayload>[] _channels = null!;
    private NotificationPayload _payload = null!;

    [Params(1, 100, 1000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = NotificationPayload.Create(Samples.Id, NotificationRecipient.ForChannel(Samples.Channel), Samples.WithData, Samples.Timestamp);
        _gateway = new InProcessNotificationGateway();
        _connections.AddRange(Samples.ChannelMembers(_gateway, Members));
        _channels = new Channel<NotificationPayload>[Members];
        for (var i = 0; i < Members; i++)
        {
            _channels[i] = Channel.CreateBounded<NotificationPayload>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        }

        // Other tenants' groups and users, so the look-up is not in an empty table.
        for (var i = 0; i < 1000; i++)
        {
            _connections.Add(_gateway.Connect("other-" + (i % 50), "user-" + i));
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public int BareChannels()
    {
        var delivered = 0;
        foreach (var channel in _channels)
        {
            delivered += channel.Writer.TryWrite(_payload) ? 1 : 0;
        }

        foreach (var channel in _channels)
        {
            channel.Reader.TryRead(out _);
        }

        return delivered;
    }

    [Benchmark]
    public int SendToChannel()
    {
        var delivered = Samples.Completed(_gateway.SendToChannelAsync(Samples.Tenant, Samples.Channel, _payload));
        for (var i = 0; i < Members; i++)
        {
            _connections[i].Notifications.TryRead(out _);
        }

        return delivered;
    }
}
