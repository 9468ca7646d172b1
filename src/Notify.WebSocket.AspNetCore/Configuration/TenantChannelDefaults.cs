using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>Reads a tenant's effective <c>defaultChannels</c> (base configuration plus the tenant's overrides).</summary>
internal sealed class TenantChannelDefaults(IOptionsMonitor<WebSocketProviderOptions> options, GatewayRegistration registration)
{
    public IList<string> For(string tenantId) =>
        options.Get(WebSocketProviderOptions.NameFor(registration.ProviderName, tenantId)).DefaultChannels;
}
