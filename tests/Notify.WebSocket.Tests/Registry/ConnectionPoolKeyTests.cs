using Notify.WebSocket.Registry;

namespace Notify.WebSocket.Tests.Registry;

public sealed class ConnectionPoolKeyTests
{
    private static WebSocketProviderOptions Options(Action<WebSocketProviderOptions>? change = null)
    {
        var options = new WebSocketProviderOptions
        {
            Mode = WebSocketMode.External,
            Protocol = WebSocketProtocol.SocketIo,
            Url = "https://example.com",
            AuthType = "custom",
            AuthHeaders = new Dictionary<string, string> { ["X-API-Key"] = "k1" },
        };
        change?.Invoke(options);
        return options;
    }

    [Fact]
    public void EqualConfigurations_GiveEqualKeys() =>
        Assert.Equal(ConnectionPoolKey.From(Options()), ConnectionPoolKey.From(Options()));

    [Theory]
    [InlineData("url")]
    [InlineData("path")]
    [InlineData("transports")]
    [InlineData("compression")]
    [InlineData("authType")]
    [InlineData("header")]
    [InlineData("protocol")]
    public void EachDistinguishingField_ChangesTheKey(string field)
    {
        var changed = Options(o =>
        {
            switch (field)
            {
                case "url": o.Url = "https://other.example.com"; break;
                case "path": o.Path = "/io"; break;
                case "transports": o.Transports = ["polling"]; break;
                case "compression": o.EnableCompression = true; break;
                case "authType": o.AuthType = "none"; break;
                case "header": o.AuthHeaders["X-API-Key"] = "k2"; break;
                case "protocol": o.Protocol = WebSocketProtocol.Ws; break;
            }
        });

        Assert.NotEqual(ConnectionPoolKey.From(Options()), ConnectionPoolKey.From(changed));
    }

    [Theory]
    [InlineData(WebSocketProtocol.SocketIo)]
    [InlineData(WebSocketProtocol.Ws)]
    public void OtherJoinOrLeaveEvents_OrRoomField_GiveOtherKeys(WebSocketProtocol protocol)
    {
        var key = ConnectionPoolKey.From(Options(o => o.Protocol = protocol));

        Assert.NotEqual(key, ConnectionPoolKey.From(Options(o => { o.Protocol = protocol; o.CustomEvents.Join = "subscribe"; })));
        Assert.NotEqual(key, ConnectionPoolKey.From(Options(o => { o.Protocol = protocol; o.CustomEvents.Leave = "unsubscribe"; })));
        Assert.NotEqual(key, ConnectionPoolKey.From(Options(o => { o.Protocol = protocol; o.Envelope.RoomParameter = "channel"; })));
    }

    [Theory]
    [InlineData("http://127.0.0.1:3000", "http://127.0.0.1:3000/socket.io ")]
    [InlineData("http://127.0.0.1:3000/", "http://127.0.0.1:3000/socket.io ")]
    public void KeyText_JoinsTheUrlAndTheSocketIoPath_WithOneSlash(string url, string expected) =>
        Assert.Contains(expected, ConnectionPoolKey.From(Options(o => o.Url = url)).ToString(), StringComparison.Ordinal);

    [Fact]
    public void KeyText_HidesTheCredentials()
    {
        var key = ConnectionPoolKey.From(Options(o => o.AuthHeaders["X-API-Key"] = "very-secret-key"));

        Assert.DoesNotContain("very-secret-key", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-key", key.CredentialHash, StringComparison.Ordinal);
    }
}
