namespace Notify.WebSocket.AspNetCore.Identity;

/// <summary>
/// Who a connection is: its tenant and, unless anonymous, its user; and the key its limits count against: the user, so
/// limits survive reconnects. An anonymous connection has no identity that outlives it (a client address would be shared
/// by everyone behind one proxy or NAT), so its limits are its own.
/// </summary>
internal sealed record ConnectionIdentity(string TenantId, string? UserId, string RateLimitKey);
