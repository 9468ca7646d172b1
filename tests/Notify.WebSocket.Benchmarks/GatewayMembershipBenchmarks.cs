using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// Joining and leaving a channel that already has N members. The gateway keeps each group as an immutable array
/// (sends never lock), so every join and leave copies the whole member array: O(N) time and allocation per change.
/// </summary>
[MemoryDiagnoser]
public class GatewayMembershipBenchmarks
{
    private readonly List<InProcessConnection> _connections = [];
    private readonly ConcurrentDictionary<InProcessConnection, byte> _set = new();
    private InProcessNotificationGateway _gateway = null!;
    private InProcessConnection _joiner = null!;

    [Params(100, 10_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new InProcessNotificationGateway();
        _connections.AddRange(Samples.ChannelMembers(_gateway, Members));
        foreach (var connection in _connections)
        {
            _set[connection] = 0;
        }

        _joiner = _gateway.Connect(Samples.Tenant, "joiner");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _joiner.DisposeAsync();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>A concurrent set of the same members: what a join and a leave cost without copy-on-write.</summary>
    [Benchmark(Baseline = true)]
    public bool ConcurrentSetAddRemove() => _set.TryAdd(_joiner, 0) && _set.TryRemove(_joiner, out _);

    [Benchmark]
    public bool JoinLeave() => _joiner.JoinChannel(Samples.Channel) && _joiner.LeaveChannel(Samples.Channel);
}
