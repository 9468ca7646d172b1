namespace Notify.WebSocket.AspNetCore.Identity;

/// <summary>
/// Who a connection is: its tenant and, unless anonymous, its user; and the key its limits count against (the user,
/// so limits survive reconnects; for an anonymous connection, its client address).
/// </summary>
internal sealed record ConnectionIdentity(string TenantId, string? UserId, string RateLimitKey);
