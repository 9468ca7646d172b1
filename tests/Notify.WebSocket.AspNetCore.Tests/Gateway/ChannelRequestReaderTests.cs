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

    [Fact]
    public void TryRead_AMessagePackMap_GivesTheName_AndNullOrOtherTypesAreMalformed()
    {
        Assert.True(ChannelRequestReader.TryRead(new Dictionary<object, object> { ["channelName"] = "alerts" }, out var name));
        Assert.Equal("alerts", name);
        Assert.False(ChannelRequestReader.TryRead(new Dictionary<object, object> { ["channelName"] = 3 }, out _));
        Assert.False(ChannelRequestReader.TryRead(null, out _));
        Assert.False(ChannelRequestReader.TryRead(42L, out _));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
