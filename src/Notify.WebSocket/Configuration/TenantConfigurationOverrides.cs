using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Notify.WebSocket;

/// <summary>Run-time updates of a tenant's configuration (<c>updateProviderConfig</c>), laid over appsettings.</summary>
internal sealed class TenantConfigurationOverrides
{
    private readonly ConcurrentDictionary<string, ImmutableList<Action<WebSocketProviderOptions>>> _overrides = new(StringComparer.Ordinal);

    public void Add(string optionsName, Action<WebSocketProviderOptions> update) =>
        _overrides.AddOrUpdate(optionsName, _ => [update], (_, list) => list.Add(update));

    public void RemoveLast(string optionsName, Action<WebSocketProviderOptions> update) =>
        _overrides.AddOrUpdate(optionsName, _ => [], (_, list) => list.Remove(update));

    public void Clear(string optionsName) => _overrides.TryRemove(optionsName, out _);

    public void Apply(string optionsName, WebSocketProviderOptions options)
    {
        if (_overrides.TryGetValue(optionsName, out var updates))
        {
            foreach (var update in updates)
            {
                update(options);
            }
        }
    }
}
