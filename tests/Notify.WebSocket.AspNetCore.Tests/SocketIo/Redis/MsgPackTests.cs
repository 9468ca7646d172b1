using System.Buffers;
using System.Text;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.SocketIo.Redis;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo.Redis;

/// <summary>The MessagePack subset of the Redis adapter, checked against the bytes the specification defines.</summary>
public sealed class MsgPackTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7F")]
    [InlineData(128L, "CC80")]
    [InlineData(255L, "CCFF")]
    [InlineData(256L, "CD0100")]
    [InlineData(65536L, "CE00010000")]
    [InlineData(4294967296L, "CF0000000100000000")]
    [InlineData(-1L, "FF")]
    [InlineData(-32L, "E0")]
    [InlineData(-33L, "D0DF")]
    [InlineData(-129L, "D1FF7F")]
    [InlineData(-32769L, "D2FFFF7FFF")]
    [InlineData(-2147483649L, "D3FFFFFFFF7FFFFFFF")]
    public void Integers_UseTheSmallestFormat_AndReadBack(long value, string hex)
    {
        var bytes = Write(w => w.WriteInteger(value));

        Assert.Equal(hex, Convert.ToHexString(bytes));
        var reader = new MsgPackReader(bytes);
        Assert.Equal(MsgPackType.Integer, reader.PeekType());
        Assert.Equal(value, reader.ReadInteger());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0, "A0")]
    [InlineData(31, "BF")]
    [InlineData(32, "D920")]
    [InlineData(256, "DA0100")]
    [InlineData(65536, "DB00010000")]
    public void Strings_UseFixstrOrStr8To32(int length, string headerHex)
    {
        var text = new string('a', length);

        var bytes = Write(w => w.WriteString(text));

        Assert.StartsWith(headerHex, Convert.ToHexString(bytes), StringComparison.Ordinal);
        var reader = new MsgPackReader(bytes);
        Assert.Equal(text, reader.ReadString());
    }

    [Fact]
    public void ContainersBinaryFloatsNilBooleans_RoundTrip()
    {
        var bytes = Write(w =>
        {
            w.WriteMapHeader(2);
            w.WriteString("a");
            w.WriteArrayHeader(4);
            w.WriteNil();
            w.WriteBoolean(true);
            w.WriteDouble(2.5);
            w.WriteBinary([1, 2, 3]);
            w.WriteString("é");
            w.WriteBoolean(false);
        });

        Assert.Equal("82A16194C0C3CB4004000000000000C403010203A2C3A9C2", Convert.ToHexString(bytes));
        var json = ToJson(bytes, out var attachments);
        Assert.Equal("""{"a":[null,true,2.5,{"_placeholder":true,"num":0}],"é":false}""", json);
        Assert.Equal([1, 2, 3], attachments.Single().ToArray());
    }

    [Theory]
    [InlineData("D6FF00000000", "\"1970-01-01T00:00:00.000Z\"")]
    [InlineData("D7FF0000000000000001", "\"1970-01-01T00:00:01.000Z\"")]
    [InlineData("C70CFF000000000000000000000001", "\"1970-01-01T00:00:01.000Z\"")]
    [InlineData("D40000", "null")]
    [InlineData("CA3FC00000", "1.5")]
    [InlineData("DC0001C0", "[null]")]
    [InlineData("DE0001A178C3", "{\"x\":true}")]
    [InlineData("C5000101", "{\"_placeholder\":true,\"num\":0}")]
    public void OtherFormats_AreReadAsJavaScriptWouldSerializeThem(string hex, string json)
    {
        Assert.Equal(json, ToJson(Convert.FromHexString(hex), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("C1")]
    [InlineData("D9")]
    [InlineData("D905616263")]
    [InlineData("DD7FFFFFFF")]
    [InlineData("DF7FFFFFFF")]
    [InlineData("C6FFFFFFFF")]
    [InlineData("A2C328")]
    [InlineData("81C0C0")]
    [InlineData("D7FFFFFFFFFC00000000")]
    public void MalformedInput_IsAFormatException(string hex)
    {
        Assert.Throws<FormatException>(() => ToJson(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var bytes = Enumerable.Repeat((byte)0x91, 100).Append((byte)0xC0).ToArray();

        Assert.Throws<FormatException>(() => ToJson(bytes, out _));
    }

    [Fact]
    public void AdapterBroadcast_EncodesTheEmittersShape_AndDecodesIt()
    {
        var message = AdapterBroadcast.Encode("abc123", "/", "t:1:user:alice", """["notification:new",{"id":"1","n":[1,2.5],"ok":true}]"""u8);

        var broadcast = AdapterBroadcast.Decode(message);
        var frames = broadcast.ToFrames();

        Assert.Equal("abc123", broadcast.Uid);
        Assert.Equal("/", broadcast.Namespace);
        Assert.Equal(["t:1:user:alice"], broadcast.Rooms);
        Assert.Empty(broadcast.Except);
        Assert.Equal("""42["notification:new",{"id":"1","n":[1,2.5],"ok":true}]""", Encoding.UTF8.GetString(frames.Single().Data.Span));
        Assert.Equal("socket.io#/#t:1:user:alice#", AdapterBroadcast.Channel("socket.io", "/", "t:1:user:alice"));
    }

    private static byte[] Write(Action<MsgPackWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new MsgPackWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private static string ToJson(byte[] bytes, out List<ReadOnlyMemory<byte>> attachments)
    {
        attachments = [];
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var reader = new MsgPackReader(bytes);
            MsgPackJson.ToJson(ref reader, writer, attachments);
        }

        return Encoding.UTF8.GetString(json.WrittenSpan);
    }
}
