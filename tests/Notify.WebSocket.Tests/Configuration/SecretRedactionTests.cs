namespace Notify.WebSocket.Tests.Configuration;

public sealed class SecretRedactionTests
{
    [Fact]
    public void OptionsToString_MasksEverySecret()
    {
        var options = new WebSocketProviderOptions
        {
            Url = "wss://user:pw-in-url@example.com/ws?token=query-secret",
            AuthToken = "token-secret",
            Username = "alice",
            Password = "password-secret",
            AuthQuery = new Dictionary<string, string> { ["api_key"] = "apikey-secret" },
            AuthHeaders = new Dictionary<string, string> { ["X-API-Key"] = "header-secret" },
        };

        var text = options.ToString();

        foreach (var secret in new[] { "pw-in-url", "query-secret", "token-secret", "password-secret", "apikey-secret", "header-secret" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("wss://example.com/ws", text, StringComparison.Ordinal);
        Assert.Contains("api_key = ***", text, StringComparison.Ordinal);
        Assert.Contains("X-API-Key = ***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_IsDeep()
    {
        var options = new WebSocketProviderOptions();
        options.AuthQuery["a"] = "1";

        var copy = options.Clone();
        copy.AuthQuery["b"] = "2";
        copy.Transports.Clear();
        copy.MessageHandling.DatabaseTable = "changed";

        Assert.Single(options.AuthQuery);
        Assert.Equal(2, options.Transports.Count);
        Assert.Equal("notifications", options.MessageHandling.DatabaseTable);
    }
}
