using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.NativeWebSocket;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// A whole external send without a socket: provider checks and id, payload, the connection's direct-write path and
/// the native ws envelope, against serializing the same payload and envelope alone.
/// </summary>
[MemoryDiagnoser]
public class ExternalSendBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly EnvelopeOptions _envelope = new();
    private readonly NotificationRecipient _user = NotificationRecipient.ForUser(Samples.UserId);
    private Utf8JsonWriter _writer = null!;
    private ConnectionPool _pool = null!;
    private ExternalProvider _provider = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        var options = Samples.ExternalWs();
        var connection = new MemoryConnection(options);
        _pool = new ConnectionPool(NullLogger.Instance);
        var lease = _pool.Acquire<ExternalConnection>(ConnectionPoolKey.From(options), _ => connection);
        await connection.StartAndWaitAsync();
        _provider = new ExternalProvider(Samples.Tenant, options, lease, pipeline: null, TimeProvider.System, NullLogger.Instance);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _provider.DisposeAsync();
        await _pool.DisposeAsync();
    }

    /// <summary>The serialization floor: the payload and its envelope, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int SerializeOnly()
    {
        var data = PayloadSerializer.Notification(Samples.Id, _user, Samples.WithData, TimeProvider.System.GetUtcNow(), roomField: null, Samples.Json);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        NativeWebSocketConnection.WriteEnvelope(_writer, _envelope, new OutgoingMessage(OutgoingKind.Event, "notification", data, id: null, requiresAck: false), DateTime.UtcNow);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public bool ProviderSendToUser() => Samples.Completed(_provider.SendToUserAsync(Samples.UserId, Samples.WithData)).Success;
}
