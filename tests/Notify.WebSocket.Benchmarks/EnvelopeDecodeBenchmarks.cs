using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Notify.WebSocket.External.Transports.NativeWebSocket;

namespace Notify.WebSocket.Benchmarks;

/// <summary>Frame parsing of the native ws receive loop: an incoming event, and the acknowledgment of one of our sends.</summary>
[MemoryDiagnoser]
public class EnvelopeDecodeBenchmarks
{
    private readonly EnvelopeOptions _envelope = new();
    private ReadOnlyMemory<byte> _eventFrame;
    private ReadOnlyMemory<byte> _ackFrame;

    [GlobalSetup]
    public void Setup()
    {
        _eventFrame = Encoding.UTF8.GetBytes(
            """{"event":"chat-message","data":{"from":"user-7","text":"Are we still on for Thursday?","room":"support","attachments":[]},"timestamp":"2026-11-26T05:30:00.000Z","id":"0197a4c3e1b27c4f9d6a3b8e5f1c2d41"}""");
        _ackFrame = Encoding.UTF8.GetBytes("""{"id":"0197a4c3e1b27c4f9d6a3b8e5f1c2d40","ack":true}""");
    }

    /// <summary>The straightforward way: deserialize the envelope into an object, data kept as a detached element.</summary>
    [Benchmark(Baseline = true)]
    public object? StjDeserializeEvent() => JsonSerializer.Deserialize<Envelope>(_eventFrame.Span);

    [Benchmark]
    public string DecodeEvent()
    {
        NativeWebSocketConnection.DecodeFrame(_eventFrame, _envelope, out _, out _, out var incoming);
        return incoming.Event;
    }

    [Benchmark]
    public string? DecodeAck()
    {
        NativeWebSocketConnection.DecodeFrame(_ackFrame, _envelope, out var id, out _, out _);
        return id;
    }

    private sealed record Envelope(string @event, JsonElement data, string? timestamp, string? id, bool? ack, bool? response);
}
