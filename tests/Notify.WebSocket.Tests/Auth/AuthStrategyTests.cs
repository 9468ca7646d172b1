using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Auth;

public sealed class AuthStrategyTests
{
    private static ConnectionRequest Request(string sectionJson)
    {
        using var services = TestServices.FromSection(sectionJson);
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");
        return services.GetRequiredService<AuthStrategyResolver>().CreateRequestAsync(options, "1", "websocket", attempt: 1, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public void Bearer_SetsTheAuthorizationHeaderAndTheSocketIoToken()
    {
        var request = Request("""{ "mode": "external", "protocol": "ws", "url": "wss://x/ws", "authType": "bearer", "authToken": "eyJ.abc" }""");

        Assert.Equal("Bearer eyJ.abc", request.Headers["Authorization"]);
        Assert.Equal("eyJ.abc", request.AuthPayload["token"]);
    }

    [Fact]
    public void Basic_SetsBase64Credentials()
    {
        var request = Request("""{ "mode": "external", "protocol": "ws", "url": "wss://x/ws", "authType": "basic", "username": "api_user", "password": "api_password" }""");

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api_user:api_password")), request.Headers["Authorization"]);
    }

    [Fact]
    public void Query_IsEncodedAndMergedWithTheUrlsOwnQuery()
    {
        var request = Request("""{ "mode": "external", "protocol": "ws", "url": "wss://x/ws?v=2", "authType": "query", "authQuery": { "api_key": "a b&c", "client_id": "notification-system" } }""");

        var uri = request.BuildUri();

        Assert.Equal("?v=2&api_key=a%20b%26c&client_id=notification-system", uri.Query);
    }

    [Fact]
    public void Custom_SendsTheHeadersAsGiven()
    {
        var request = Request("""{ "mode": "external", "protocol": "ws", "url": "wss://x/ws", "authType": "custom", "authHeaders": { "X-API-Key": "k", "X-Client-ID": "notification-system" } }""");

        Assert.Equal("k", request.Headers["X-API-Key"]);
        Assert.Equal("notification-system", request.Headers["X-Client-ID"]);
    }

    [Fact]
    public void RequestToString_ShowsNoSecrets()
    {
        var request = Request("""{ "mode": "external", "protocol": "ws", "url": "wss://x/ws", "authType": "query", "authQuery": { "token": "qs-secret" } }""");

        Assert.DoesNotContain("qs-secret", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CustomStrategy_BecomesAValidAuthType()
    {
        using var services = TestServices.FromSection("""{ "authType": "hmac" }""", b => b.AddAuthStrategy<HmacStrategy>());

        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");

        Assert.Equal("hmac", options.AuthType);
    }

    private sealed class HmacStrategy : IAuthStrategy
    {
        public string AuthType => "hmac";

        public ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
        {
            context.Request.Headers["X-Signature"] = "sig";
            return ValueTask.CompletedTask;
        }
    }
}
