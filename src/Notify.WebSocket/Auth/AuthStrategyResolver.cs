namespace Notify.WebSocket.Auth;

/// <summary>Finds the strategy for an <c>authType</c> and builds a connection request with it.</summary>
internal sealed class AuthStrategyResolver(IEnumerable<IAuthStrategy> strategies, BearerTokenProviders tokenProviders)
{
    private static readonly HashSet<string> BuiltIn = new([AuthTypes.None, AuthTypes.Bearer, AuthTypes.Basic, AuthTypes.Query, AuthTypes.Custom], StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, IAuthStrategy> _byType = strategies
        .GroupBy(s => s.AuthType, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the credentials may differ per tenant although the options are equal (a custom strategy, or a token
    /// provider): such a connection is never shared with another tenant or provider configuration.
    /// </summary>
    public bool IsPerTenant(WebSocketProviderOptions options, string providerName) =>
        !BuiltIn.Contains(options.AuthType)
        || (string.Equals(options.AuthType, AuthTypes.Bearer, StringComparison.OrdinalIgnoreCase) && tokenProviders.Has(providerName));

    public async ValueTask<ConnectionRequest> CreateRequestAsync(WebSocketProviderOptions options, string tenantId, string providerName, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = new ConnectionRequest(new Uri(options.Url!, UriKind.Absolute));
        if (!_byType.TryGetValue(options.AuthType, out var strategy))
        {
            throw new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, $"No authentication strategy is registered for authType \"{options.AuthType}\".", retryable: false);
        }

        var context = new AuthContext { TenantId = tenantId, ProviderName = providerName, Attempt = attempt, Request = request, Options = options };
        await strategy.ApplyAsync(context, cancellationToken).ConfigureAwait(false);
        return request;
    }
}
