using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Handling.Callback;
using Notify.WebSocket.Handling.Database;

namespace Notify.WebSocket.Handling.Strategies;

/// <summary>
/// The strategies each provider configuration can name: the built-in callback and database strategies (options from
/// <c>messageHandling</c> itself), then those added with <c>AddHandlingStrategy</c>, the last of a name winning. Each
/// strategy is made once, when first needed.
/// </summary>
internal sealed class HandlingStrategies(IEnumerable<HandlingStrategyRegistration> added, IServiceProvider services)
{
    private readonly HandlingStrategyRegistration[] _registrations =
    [
        new HandlingStrategyRegistration<MessageHandlingOptions>(null, MessageHandlingStrategies.Callback, static sp => sp.GetRequiredService<CallbackStrategy>(), static o => o.MessageHandling),
        new HandlingStrategyRegistration<MessageHandlingOptions>(null, MessageHandlingStrategies.Database, static sp => sp.GetRequiredService<DatabaseStrategy>(), static o => o.MessageHandling),
        .. added,
    ];

    private readonly ConcurrentDictionary<string, HandlingStrategyRegistration[]> _byProvider = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<HandlingStrategyRegistration, Lazy<object>> _strategies = new();

    /// <summary>The strategies a provider configuration can name, one per name.</summary>
    public IReadOnlyList<HandlingStrategyRegistration> For(string providerName) => _byProvider.GetOrAdd(providerName, static (name, all) =>
        [.. all.Where(r => r.AppliesTo(name)).GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.Last())], _registrations);

    /// <summary>The provider configurations other than <paramref name="providerName"/> a strategy of this name is added for.</summary>
    public IEnumerable<string> AddedElsewhere(string name, string providerName) => _registrations
        .Where(r => r.ProviderName is not null && !r.AppliesTo(providerName) && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        .Select(r => r.ProviderName!)
        .Distinct(StringComparer.Ordinal);

    public bool TakesPartInAll(HandlingStrategyRegistration registration, WebSocketProviderOptions options) =>
        registration.TakesPartInAll(Strategy(registration), options);

    public SelectedStrategy Select(HandlingStrategyRegistration registration, WebSocketProviderOptions options) =>
        registration.Select(Strategy(registration), options);

    private object Strategy(HandlingStrategyRegistration registration) =>
        _strategies.GetOrAdd(registration, static (r, sp) => new Lazy<object>(() => r.CreateStrategy(sp)), services).Value;
}
