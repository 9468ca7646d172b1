using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
            yield return "authType \"vault\" needs the token endpoint's HttpClient to have a BaseAddress.";
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

// <snippet:handling-strategy>
// "strategy": "chat" (or "all"): posts each incoming message to a chat webhook, with settings of its own.
public sealed class ChatOptions
{
    public Uri? WebhookUrl { get; set; }

    public string Channel { get; set; } = "#alerts";
}

public sealed class ChatStrategy(IHttpClientFactory http) : IMessageHandlingStrategy<ChatOptions>
{
    public async ValueTask HandleAsync(IncomingMessage message, ChatOptions options, CancellationToken cancellationToken)
    {
        var post = new ChatPost(options.Channel, $"{message.Event} for tenant {message.TenantId}");
        using var response = await http.CreateClient("chat").PostAsJsonAsync(options.WebhookUrl, post, cancellationToken);
        response.EnsureSuccessStatusCode(); // throwing: the pipeline retries the message later
    }

    private sealed record ChatPost(string Channel, string Text);
}

// Checked at start for every tenant that uses it; name is the section's full key path.
public sealed class ChatOptionsValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options) =>
        options.WebhookUrl is { IsAbsoluteUri: true }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{name}:webhookUrl is required: the chat's incoming-webhook address.");
}
// </snippet>

internal static class ExtensionSnippets
{
    public static void Register(IServiceCollection services, IConfiguration configuration, Uri tokenEndpoint)
    {
        // <snippet:register-extensions>
        services.AddSingleton(new HttpClient { BaseAddress = tokenEndpoint });
        services.AddSingleton<IValidateOptions<ChatOptions>, ChatOptionsValidator>();
        services.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket"))
                .AddAuthStrategy<VaultTokenAuthStrategy>()                // "authType": "vault"
                .AddReconnectionPolicy<QuickThenPatient>()
                .AddHandlingStrategy<ChatStrategy, ChatOptions>("chat",   // "strategy": "chat"
                    (section, options) => section.Bind(options));         // messageHandling:strategies:chat
        // </snippet>
    }
}
