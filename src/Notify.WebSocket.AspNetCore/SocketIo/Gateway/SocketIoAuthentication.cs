using System.Security.Claims;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>Who a Socket.IO connection is, as the host's authentication found it, and when that expires.</summary>
internal sealed record SocketIoAuthentication(ClaimsPrincipal? User, DateTimeOffset? ExpiresAt)
{
    public static SocketIoAuthentication Anonymous { get; } = new(null, null);
}
