using Notify.WebSocket.External.Transports.SocketIo;

namespace Notify.WebSocket.Tests.External.SocketIo;

public sealed class SocketIoJsonSerializerTests
{
    [Fact]
    public void BinaryAttachments_BecomePlaceholders_AndComeBack()
    {
        var serializer = SocketIoJsonSerializer.Instance;
        var first = new byte[] { 1, 2, 3 };
        var second = new byte[] { 9 };

        var result = serializer.Serialize([new { name = "file", content = first }, second]);

        Assert.Equal("""[{"name":"file","content":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]""", result.Json);
        Assert.Equal([first, second], result.Bytes);
        var back = serializer.Deserialize<Attachment>("""{"name":"file","content":{"_placeholder":true,"num":1}}""", [first, second]);
        Assert.Equal(second, back.Content);
    }

    [Fact]
    public void RawJson_IsWrittenAsIs()
    {
        var result = SocketIoJsonSerializer.Instance.Serialize([new RawJson("""{"a":1,"b":[true]}"""u8.ToArray())]);

        Assert.Equal("""[{"a":1,"b":[true]}]""", result.Json);
        Assert.Empty(result.Bytes);
    }

    [Fact]
    public void Calls_FromManyThreads_DoNotShareAttachments()
    {
        Parallel.For(0, 2000, i =>
        {
            var bytes = BitConverter.GetBytes(i);
            var result = SocketIoJsonSerializer.Instance.Serialize([bytes]);
            Assert.Same(bytes, Assert.Single(result.Bytes));
        });
    }

    private sealed record Attachment(string Name, byte[] Content);
}
