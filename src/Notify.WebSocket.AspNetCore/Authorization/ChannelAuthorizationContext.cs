using System.Security.Claims;

namespace Notify.WebSocket.AspNetCore;

/// <summary>A request to join a channel, as seen by an <see cref="IChannelAuthorizer"/>.</summary>
public sealed class ChannelAuthorizationContext
{
    /// <summary>The tenant of the connection (from its claims).</summary>
    public required string TenantId { get; init; }

    /// <summary>The user of the connection (from its claims); null for an anonymous connection.</summary>
    public string? UserId { get; init; }

    /// <summary>The channel asked for: NFC-normalized, and already within the channel-name rules (no control, format, separator or invisible characters).</summary>
    public required string ChannelName { get; init; }

    /// <summary>The authenticated user, with every claim of the host's authentication.</summary>
    public required ClaimsPrincipal User { get; init; }
}
