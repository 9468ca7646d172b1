namespace Notify.WebSocket.Auth;

/// <summary>The bearer token providers registered per provider configuration.</summary>
internal sealed class BearerTokenProviders(IEnumerable<BearerTokenProviderRegistration> registrations, IServiceProvider services)
{
    private readonly Dictionary<string, BearerTokenProviderRegistration> _byProvider = registrations
        .GroupBy(r => r.ProviderName, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public bool Has(string providerName) => _byProvider.ContainsKey(providerName);

    public IBearerTokenProvider? For(string providerName) =>
        _byProvider.TryGetValue(providerName, out var registration) ? registration.Create(services) : null;
}

/// <summary>A token provider registered with <c>AddBearerTokenProvider</c> for one provider configuration.</summary>
internal sealed record BearerTokenProviderRegistration(string ProviderName, Func<IServiceProvider, IBearerTokenProvider> Create);

/// <summary>A token provider written as a delegate.</summary>
internal sealed class DelegateBearerTokenProvider(Func<AuthContext, CancellationToken, ValueTask<string>> getToken) : IBearerTokenProvider
{
    public ValueTask<string> GetTokenAsync(AuthContext context, CancellationToken cancellationToken) => getToken(context, cancellationToken);
}
