namespace Notify.WebSocket.Auth;

/// <summary>
/// Bearer token as the Authorization header, and as <c>auth.token</c> for Socket.IO servers that read the handshake
/// payload: the configuration's <c>authToken</c>, or the token an <see cref="IBearerTokenProvider"/> registered for the
/// provider configuration returns for each attempt.
/// </summary>
internal sealed class BearerAuthStrategy(BearerTokenProviders tokenProviders) : IAuthStrategy
{
    public string AuthType => AuthTypes.Bearer;

    public async ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = tokenProviders.For(context.ProviderName) is { } provider
            ? await provider.GetTokenAsync(context, cancellationToken).ConfigureAwait(false)
            : context.Options.AuthToken;
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidOperationException($"The bearer token provider of \"{context.ProviderName}\" returned no token for tenant {context.TenantId}.");
        }

        context.Request.Headers["Authorization"] = "Bearer " + token;
        context.Request.AuthPayload["token"] = token;
    }

    /// <summary>A token from <c>authToken</c>, unless a token provider is registered for the provider configuration.</summary>
    public IEnumerable<string> Validate(WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.AuthToken))
        {
            return tokenProviders.Has(options.ProviderName)
                ? []
                : ["authToken is required when authType is \"bearer\" (or register a token provider with .AddBearerTokenProvider(…) on the builder AddWebSocketNotifications returns)."];
        }

        return HeaderText.IsValue(options.AuthToken)
            ? []
            : ["authToken holds a character no HTTP header can carry (a line break, a control or a non-ASCII character); fix the token (not shown: it is a secret)."];
    }
}
