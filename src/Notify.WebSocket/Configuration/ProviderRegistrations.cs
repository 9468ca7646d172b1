namespace Notify.WebSocket;

/// <summary>Every named provider registered in the container.</summary>
internal sealed class ProviderRegistrations
{
    private readonly Dictionary<string, ProviderRegistration> _byName = new(StringComparer.Ordinal);

    public IEnumerable<ProviderRegistration> All => _byName.Values;

    public ProviderRegistration GetOrAdd(string name, Func<ProviderRegistration> create)
    {
        if (!_byName.TryGetValue(name, out var registration))
        {
            registration = create();
            _byName[name] = registration;
        }

        return registration;
    }

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProviderRegistration? registration) =>
        _byName.TryGetValue(name, out registration);
}
