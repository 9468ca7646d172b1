namespace Notify.WebSocket.AspNetCore.Identity;

/// <summary>Who a connection is: its tenant and, unless anonymous, its user.</summary>
internal sealed record ConnectionIdentity(string TenantId, string? UserId);
