using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.NativeWebSocket;

namespace Notify.WebSocket.Benchmarks;

/// <summary>The native ws envelope around an already serialized notification, as the transport writes it per send.</summary>
[MemoryDiagnoser]
public class EnvelopeEncodeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly EnvelopeOptions _envelope = new();
    private Utf8JsonWriter _writer = null!;
    private OutgoingMessage _event = null!;
    private OutgoingMessage _ackedEvent = null!;
    private JsonElement _dataElement;
    private DateTime _timestamp;

    [GlobalSetup]
    public void Setup()
    {
        var data = PayloadSerializer.Notification(Samples.Id, NotificationRecipient.ForUser(Samples.UserId), Samples.WithData, Samples.Timestamp, roomField: null, Samples.Json);
        _dataElement = JsonDocument.Parse(data).RootElement.Clone();
        _event = new OutgoingMessage(OutgoingKind.Event, "notification", data, id: null, requiresAck: false);
        _ackedEvent = new OutgoingMessage(OutgoingKind.Event, "notification", data, Samples.Id, requiresAck: true);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _timestamp = Samples.Timestamp.UtcDateTime;
    }

    /// <summary>The straightforward way: an envelope object serialized to a new array.</summary>
    [Benchmark(Baseline = true)]
    public byte[] StjEnvelopeObject() =>
        JsonSerializer.SerializeToUtf8Bytes(new Envelope("notification", _dataElement, _timestamp, Samples.Id, true));

    [Benchmark]
    public int Envelope_NoAck() => Write(_event);

    [Benchmark]
    public int Envelope_WithAck() => Write(_ackedEvent);

    private int Write(OutgoingMessage message)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        NativeWebSocketConnection.WriteEnvelope(_writer, _envelope, message, _timestamp);
        return _buffer.WrittenCount;
    }

    private sealed record Envelope(string @event, JsonElement data, DateTime timestamp, string id, bool requiresAck);
}
