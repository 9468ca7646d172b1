using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.SocketIo;

namespace Notify.WebSocket.Benchmarks;

/// <summary>Socket.IO EVENT packets we write on the websocket transport, and the ACK header read on every incoming frame.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SocketIoPacketBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private byte[] _data = null!;
    private byte[] _ackFrame = null!;
    private string _ackText = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = PayloadSerializer.Notification(Samples.Id, NotificationRecipient.ForUser(Samples.UserId), Samples.WithData, Samples.Timestamp, roomField: null, Samples.Json);
        _ackText = "43/tenants,1073741825[]";
        _ackFrame = Encoding.UTF8.GetBytes(_ackText);
    }

    /// <summary>What an emit costs when the packet is built as strings (the way SocketIOClient builds it) and encoded.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("write")]
    public byte[] StringPacket()
    {
        var json = JsonSerializer.Serialize(new object[] { "notification", new RawJson(_data) });
        return Encoding.UTF8.GetBytes("42/tenants," + 1073741825 + json);
    }

    [Benchmark]
    [BenchmarkCategory("write")]
    public int WriteEvent()
    {
        _buffer.ResetWrittenCount();
        SocketIoPacketWriter.WriteEvent(_buffer, "/tenants", 1073741825, "notification", _data);
        return _buffer.WrittenCount;
    }

    /// <summary>Parsing the header out of the decoded string, as a string-based reader would.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ack-header")]
    public int StringAckHeader()
    {
        var text = Encoding.UTF8.GetString(_ackFrame);
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var bracket = text.IndexOf('[', StringComparison.Ordinal);
        return int.Parse(text.AsSpan(comma + 1, bracket - comma - 1), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Benchmark]
    [BenchmarkCategory("ack-header")]
    public int TryReadAckHeader() => SocketIoPacketWriter.TryReadAckHeader(_ackFrame, out var id, out _) ? id : -1;
}
