using Microsoft.Extensions.Options;

namespace Notify.WebSocket;

/// <summary>Builds the options of any provider/tenant name from its registration and run-time overrides.</summary>
internal sealed class ProviderOptionsSetup(IServiceProvider services, ProviderRegistrations registrations, TenantConfigurationOverrides overrides)
    : IConfigureNamedOptions<WebSocketProviderOptions>
{
    public void Configure(WebSocketProviderOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, WebSocketProviderOptions options)
    {
        var (providerName, tenantId) = ProviderOptionsNames.Parse(name);
        if (registrations.TryGet(providerName, out var registration))
        {
            registration.Apply(services, tenantId, options);
        }

        overrides.Apply(ProviderOptionsNames.For(providerName, tenantId), options);
    }
}
