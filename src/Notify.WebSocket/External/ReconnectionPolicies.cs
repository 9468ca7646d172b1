namespace Notify.WebSocket.External;

/// <summary>The reconnection policy of each provider configuration: the one registered for its name, or capped exponential backoff from its options.</summary>
internal sealed class ReconnectionPolicies(IEnumerable<ReconnectionPolicyRegistration> registrations, IServiceProvider services)
{
    private readonly Dictionary<string, ReconnectionPolicyRegistration> _byProvider = registrations
        .GroupBy(r => r.ProviderName, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <param name="owner">The provider's named-options name (<c>{provider}:tenants:{tenant}</c>).</param>
    /// <param name="options">The provider's options.</param>
    public IReconnectionPolicy For(string owner, WebSocketProviderOptions options) =>
        _byProvider.TryGetValue(ProviderOptionsNames.Parse(owner).ProviderName, out var registration)
            ? registration.Create(services)
            : ExponentialBackoffPolicy.From(options);
}

/// <summary>A policy registered with <c>AddReconnectionPolicy</c> for one provider configuration.</summary>
internal sealed record ReconnectionPolicyRegistration(string ProviderName, Func<IServiceProvider, IReconnectionPolicy> Create);
