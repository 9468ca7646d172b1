using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Handling.Strategies;

namespace Notify.WebSocket;

/// <summary>One <c>AddWebSocketNotifications</c> call: where a named provider's configuration comes from.</summary>
internal sealed class ProviderRegistration
{
    private readonly Func<IServiceProvider, IConfigurationSection>? _sectionFactory;
    private IConfigurationSection? _section;

    public ProviderRegistration(string name, Func<IServiceProvider, IConfigurationSection>? sectionFactory, Action<WebSocketProviderOptions>? configure)
    {
        Name = name;
        _sectionFactory = sectionFactory;
        Configure = configure;
    }

    public string Name { get; }

    public Action<WebSocketProviderOptions>? Configure { get; private set; }

    /// <summary>Tenant overrides given in code (<c>builder.ConfigureTenant</c>), applied after configuration.</summary>
    public Dictionary<string, List<Action<WebSocketProviderOptions>>> TenantConfigure { get; } = new(StringComparer.Ordinal);

    public IConfigurationSection? GetSection(IServiceProvider services) =>
        _sectionFactory is null ? null : _section ??= _sectionFactory(services);

    public void AddConfigure(Action<WebSocketProviderOptions> configure) => Configure += configure;

    public IEnumerable<string> KnownTenants(IServiceProvider services)
    {
        var section = GetSection(services);
        var fromConfig = section is null ? [] : ProviderConfigurationBinder.TenantIds(section);
        return fromConfig.Concat(TenantConfigure.Keys).Distinct(StringComparer.Ordinal);
    }

    public void Apply(IServiceProvider services, string? tenantId, WebSocketProviderOptions options)
    {
        var section = GetSection(services);
        var strategies = services.GetRequiredService<HandlingStrategies>().For(Name);
        options.ProviderName = Name;
        if (section is not null)
        {
            ProviderConfigurationBinder.Bind(section, tenantId, options, strategies);
        }
        else
        {
            options.KeyPath = tenantId is null ? Name : ProviderOptionsNames.For(Name, tenantId);
            HandlingStrategySections.Bind([], options, strategies);
        }

        Configure?.Invoke(options);
        if (tenantId is not null && TenantConfigure.TryGetValue(tenantId, out var actions))
        {
            foreach (var action in actions)
            {
                action(options);
            }
        }
    }
}
