using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>The gateway's endpoints (the hub, the inbox over HTTP) require a signed-in user unless anonymous connections are allowed.</summary>
internal static class GatewayEndpointAuthorization
{
    /// <summary>
    /// Requires the host's default authorization policy on <paramref name="endpoints"/>. A host with no authentication
    /// registered is stopped here, while it maps them: otherwise it starts, and every request answers 500.
    /// </summary>
    /// <exception cref="InvalidOperationException">No authentication is registered and anonymous connections are not allowed.</exception>
    public static void Require(IEndpointConventionBuilder endpoints, IServiceProvider services, string mapCall)
    {
        if (services.GetRequiredService<IOptions<SignalRGatewayOptions>>().Value.AllowAnonymous)
        {
            return;
        }

        if (services.GetService<IAuthenticationSchemeProvider>() is null)
        {
            throw new InvalidOperationException(
                $"{mapCall} serves signed-in users only, and this host registers no authentication: add builder.Services.AddAuthentication(...) with the scheme that signs your users in (for example .AddJwtBearer(...)), or set AllowAnonymous with an AnonymousTenantId on the gateway to let anonymous connections in.");
        }

        endpoints.RequireAuthorization();
    }
}
