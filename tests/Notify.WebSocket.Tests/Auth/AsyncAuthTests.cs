using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Auth;

/// <summary>Credentials fetched per connection attempt, with the tenant and attempt, against a real server.</summary>
public sealed class AsyncAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BearerTokenProvider_IsAskedBeforeEveryAttempt_PerTenant_AndTenantsNeverShareItsConnection()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "7-token");
        var asked = new ConcurrentQueue<(string Tenant, int Attempt)>();
        await using var harness = ExternalHarness.Create(
            server.WsUrl(),
            """ "authType": "bearer", "authToken": "configured-but-unused", "maxReconnectionDelay": 60000 """,
            builder: b => b.AddBearerTokenProvider(async (context, cancellationToken) =>
            {
                await Task.Yield();
                asked.Enqueue((context.TenantId, context.Attempt));
                return context.TenantId + "-token";
            }));

        var seven = await harness.ConnectedAsync("7");
        var eight = await harness.ProviderAsync("8");
        var refused = await eight.ValidateAsync(Ct);

        Assert.Equal(WebSocketErrorCodes.AuthError, refused.Error!.Code);
        Assert.Equal(2, harness.Registry.PooledConnectionCount);
        Assert.Contains(("7", 1), asked);
        Assert.Contains(("8", 1), asked);

        // A new socket asks again.
        await server.PostAsync("/drop");
        await Eventually.TrueAsync(() => asked.Count(a => a.Tenant == "7") >= 2, "the token was asked for again on reconnect");
        await Eventually.TrueAsync(() => seven.State == WebSocketConnectionState.Connected, "tenant 7 reconnected");
        Assert.True((await seven.SendToUserAsync("u", new NotificationContent { Body = "fresh token" }, Ct)).Success);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("7-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CustomAsyncStrategy_SignsEachAttempt_AndItsFailureIsARetriedAttempt()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var strategy = new SigningStrategy();
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "signed" """, builder: b => b.Services.AddSingleton<IAuthStrategy>(strategy));

        var provider = await harness.ConnectedAsync();

        // The first attempt's signing failed (a token endpoint that was down): it was retried, and the second connected.
        Assert.Equal(2, strategy.Calls);
        var handshake = (await server.GetAsync("/stats")).GetProperty("handshakes")[0];
        Assert.Equal("attempt-2/tenant-1", handshake.GetProperty("headers").GetProperty("x-signature").GetString());
        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
    }

    private sealed class SigningStrategy : IAuthStrategy
    {
        private int _calls;

        public string AuthType => "signed";

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (Interlocked.Increment(ref _calls) == 1)
            {
                throw new HttpRequestException("the signing service is down");
            }

            context.Request.Headers["X-Signature"] = $"attempt-{context.Attempt}/tenant-{context.TenantId}";
        }
    }
}
