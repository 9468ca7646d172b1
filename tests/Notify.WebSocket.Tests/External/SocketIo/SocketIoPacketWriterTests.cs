using System.Buffers;
using System.Text;
using Notify.WebSocket.External.Transports.SocketIo;

namespace Notify.WebSocket.Tests.External.SocketIo;

public sealed class SocketIoPacketWriterTests
{
    private static string Write(string? nsp, int? ackId, string eventName, string data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SocketIoPacketWriter.WriteEvent(buffer, nsp, ackId, eventName, Encoding.UTF8.GetBytes(data));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData(null, null, "notify", """{"a":1}""", """42["notify",{"a":1}]""")]
    [InlineData("/", 7, "notify", "1", """427["notify",1]""")]
    [InlineData("/admin", null, "channel:broadcast", "[]", """42/admin,["channel:broadcast",[]]""")]
    [InlineData("/admin", 1073741825, "user:info", "null", """42/admin,1073741825["user:info",null]""")]
    [InlineData(null, null, "quote\"d", "true", """42["quote\u0022d",true]""")]
    public void Events_AreEncodedAsEngineIoMessagePackets(string? nsp, int? ackId, string eventName, string data, string expected) =>
        Assert.Equal(expected, Write(nsp, ackId, eventName, data));

    [Theory]
    [InlineData("""4312[{"ok":true}]""", 12, """[{"ok":true}]""")]
    [InlineData("""43/admin,1073741824[]""", 1073741824, "[]")]
    public void AckHeaders_AreRead(string frame, int id, string arguments)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);

        Assert.True(SocketIoPacketWriter.TryReadAckHeader(bytes, out var readId, out var start));
        Assert.Equal(id, readId);
        Assert.Equal(arguments, Encoding.UTF8.GetString(bytes.AsSpan(start)));
    }

    [Theory]
    [InlineData("""42["event",1]""")]
    [InlineData("43")]
    [InlineData("43/admin")]
    [InlineData("43abc[]")]
    [InlineData("2")]
    public void OtherFrames_AreNotAcks(string frame) =>
        Assert.False(SocketIoPacketWriter.TryReadAckHeader(Encoding.UTF8.GetBytes(frame), out _, out _));

    [Fact]
    public void FirstArgument_IsTheResponse()
    {
        Assert.Equal(42, SocketIoPacketWriter.FirstArgument("""[{"n":42},"ignored"]"""u8).GetProperty("n").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, SocketIoPacketWriter.FirstArgument("[]"u8).ValueKind);
    }

    [Fact]
    public void ManyDistinctEventNames_AreAllEncodedCorrectly_PastTheCacheBound()
    {
        for (var i = 0; i < 3000; i++)
        {
            Assert.Equal($$"""42["query-{{i}}",0]""", Write(null, null, "query-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"));
        }
    }
}
