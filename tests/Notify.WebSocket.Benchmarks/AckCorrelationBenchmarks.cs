using System.Collections.Concurrent;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Notify.WebSocket.External;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// Acknowledgment correlation: the pending table alone (add, complete from the receive loop, remove), and a whole
/// acknowledged send through an external connection whose transport acknowledges as it writes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AckCorrelationBenchmarks
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _plain = new(StringComparer.Ordinal);
    private readonly PendingOperations _pending = new();
    private OutgoingMessage _message = null!;
    private MemoryConnection _connection = null!;
    private readonly TimeSpan _ackTimeout = TimeSpan.FromSeconds(10);

    [GlobalSetup]
    public async Task Setup()
    {
        var data = PayloadSerializer.Notification(Samples.Id, NotificationRecipient.ForUser(Samples.UserId), Samples.TextOnly, Samples.Timestamp, roomField: null, Samples.Json);
        _message = new OutgoingMessage(OutgoingKind.Event, "notification", data, Samples.Id, requiresAck: true);
        var options = Samples.ExternalWs();
        options.EnableAcknowledgments = true;
        _connection = new MemoryConnection(options) { AckOnWrite = true };
        await _connection.StartAndWaitAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _connection.DisposeAsync();

    /// <summary>The floor: a completion source in a concurrent dictionary, added, completed and removed.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("table")]
    public bool ConcurrentDictionaryWithCompletion()
    {
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _plain.TryAdd(Samples.Id, completion);
        return _plain.TryRemove(Samples.Id, out var found) && found.TrySetResult(default);
    }

    [Benchmark]
    [BenchmarkCategory("table")]
    public bool PendingAddCompleteRemove()
    {
        var pending = _pending.Add(_message);
        var completed = _pending.TryComplete(Samples.Id, default);
        _pending.Remove(pending);
        return completed;
    }

    /// <summary>A fire-and-forget send through the same connection: what the ack adds is the difference.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("send")]
    public ValueTask<WebSocketNotificationError?> SendWithoutAck() =>
        _connection.SendAsync(new OutgoingMessage(OutgoingKind.Event, "notification", _message.Data, id: null, requiresAck: false), _ackTimeout, CancellationToken.None);

    [Benchmark]
    [BenchmarkCategory("send")]
    public ValueTask<WebSocketNotificationError?> SendAcknowledged() =>
        _connection.SendAsync(new OutgoingMessage(OutgoingKind.Event, "notification", _message.Data, Samples.Id, requiresAck: true), _ackTimeout, CancellationToken.None);
}
