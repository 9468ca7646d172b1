using System.Text;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Tests.Gateway;

public sealed class ChannelRequestReaderTests
{
    [Theory]
    [InlineData("""{"channelName":"alerts"}""", "alerts")]
    [InlineData("""{"channelName":"alerts","position":42}""", "alerts")]
    public void TryRead_AnObjectWithAStringChannelName_GivesTheName(string json, string expected)
    {
        Assert.True(ChannelRequestReader.TryRead(Parse(json), out var name));
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"alerts\"")]
    [InlineData("[{\"channelName\":\"alerts\"}]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"ChannelName\":\"alerts\"}")]
    [InlineData("{\"channelName\":1}")]
    [InlineData("{\"channelName\":\"\\ud800\"}")]
    [InlineData("{\"channelName\":\"a\",\"channelName\":\"b\"}")]
    public void TryRead_AnythingElse_IsMalformed(string json)
    {
        Assert.False(ChannelRequestReader.TryRead(Parse(json), out _));
    }

    [Fact]
    public void TryRead_InvalidUtf8InTheName_IsMalformed()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"channelName\":\"ab\"}");
        bytes[bytes.Length - 3] = 0xFF;

        Assert.False(ChannelRequestReader.TryRead(JsonDocument.Parse(bytes).RootElement, out _));
    }

    [Theory]
    [InlineData("""{"channelName":"a"}""", true, null)]
    [InlineData("""{"channelName":"a","position":null}""", true, null)]
    [InlineData("""{"channelName":"a","position":0}""", true, 0L)]
    [InlineData("""{"channelName":"a","position":-3}""", true, -3L)]
    [InlineData("""{"channelName":"a","position":"5"}""", false, null)]
    [InlineData("""{"channelName":"a","position":1.5}""", false, null)]
    [InlineData("""{"channelName":"a","position":1e30}""", false, null)]
    [InlineData("""{"channelName":"a","position":{}}""", false, null)]
    public void TryReadPosition_AWholeNumberOrNothing_ElseMalformed(string json, bool valid, long? expected)
    {
        Assert.Equal(valid, ChannelRequestReader.TryReadPosition(Parse(json), out var position));
        Assert.Equal(expected, position);
    }

    [Fact]
    public void TryRead_NotJson_IsMalformed()
    {
        Assert.False(ChannelRequestReader.TryRead(null, out _));
        Assert.False(ChannelRequestReader.TryRead(42L, out _));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
