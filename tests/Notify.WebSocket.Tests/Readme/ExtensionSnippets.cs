using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Tests.Readme;

// The code between "snippet" markers is README's, character for character (ReadmeSnippetTests checks it), so every
// extension example in README compiles, and the tests run it against real servers.

// <snippet:auth-strategy>
// authType "vault": a token fetched from your token endpoint before every connection attempt.
public sealed class VaultTokenAuthStrategy(HttpClient tokenEndpoint) : IAuthStrategy
{
    public string AuthType => "vault";

    public async ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
    {
        var token = await tokenEndpoint.GetFromJsonAsync<TokenResponse>(
            $"tokens/{Uri.EscapeDataString(context.TenantId)}", cancellationToken);
        context.Request.Headers["Authorization"] = "Bearer " + token!.AccessToken;
        context.Request.AuthPayload["token"] = token.AccessToken; // Socket.IO servers read the handshake's auth
    }

    public IEnumerable<string> Validate(WebSocketProviderOptions options)
    {
        if (tokenEndpoint.BaseAddress is null)
        {
            yield return "needs the token endpoint's HttpClient to have a BaseAddress.";
        }
    }

    private sealed record TokenResponse(string AccessToken);
}
// </snippet>

// <snippet:reconnection-policy>
// Three quick attempts, then one a minute for an hour; then give up (the connection still comes back later).
public sealed class QuickThenPatient : IReconnectionPolicy
{
    public TimeSpan? NextReconnectionDelay(ReconnectionContext context) => context switch
    {
        { PreviousAttempts: < 3 } => TimeSpan.FromMilliseconds(200),
        { ElapsedTime.TotalHours: < 1 } => TimeSpan.FromMinutes(1),
        _ => null,
    };
}
// </snippet>

internal static class ExtensionSnippets
{
    public static void Register(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration, Uri tokenEndpoint)
    {
        // <snippet:register-extensions>
        services.AddSingleton(new HttpClient { BaseAddress = tokenEndpoint });
        services.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket"))
                .AddAuthStrategy<VaultTokenAuthStrategy>()                // "authType": "vault"
                .AddReconnectionPolicy<QuickThenPatient>();
        // </snippet>
    }
}
