using System.Security.Claims;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Identity;

/// <summary>
/// Reads the user id and tenant id from the claims the host's authentication established (never from anything the
/// client sends). Returns null to refuse: an authenticated user without both claims, or an anonymous connection
/// when anonymous access is off.
/// </summary>
internal sealed class ConnectionIdentityResolver(IOptions<SignalRGatewayOptions> options)
{
    /// <summary>Identifies a connection.</summary>
    /// <param name="user">The authenticated user, if any.</param>
    /// <param name="connectionId">The transport's connection id: an anonymous connection's limits are its own.</param>
    /// <returns>The identity, or null to refuse the connection.</returns>
    public ConnectionIdentity? Resolve(ClaimsPrincipal? user, string connectionId)
    {
        var o = options.Value;
        if (user?.Identity?.IsAuthenticated == true)
        {
            var userId = o.UserIdClaimTypes.Select(type => user.FindFirst(type)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            var tenantId = user.FindFirst(o.TenantIdClaimType)?.Value;
            return userId is null || string.IsNullOrWhiteSpace(tenantId)
                ? null
                : new ConnectionIdentity(tenantId, userId, GroupNames.User(tenantId, userId));
        }

        return o.AllowAnonymous && !string.IsNullOrWhiteSpace(o.AnonymousTenantId)
            ? new ConnectionIdentity(o.AnonymousTenantId, UserId: null, GroupNames.Anonymous(o.AnonymousTenantId, connectionId))
            : null;
    }
}
