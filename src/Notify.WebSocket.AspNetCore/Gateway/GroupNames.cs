namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// The tenant-scoped SignalR group names: <c>t:{tenant}:user:{id}</c> and <c>t:{tenant}:channel:{name}</c>.
/// The tenant segment escapes <c>%</c> and <c>:</c>, so no tenant id can forge another tenant's prefix.
/// </summary>
internal static class GroupNames
{
    public static string User(string tenantId, string userId) => string.Concat("t:", Escape(tenantId), ":user:", userId);

    public static string Channel(string tenantId, string channel) => string.Concat("t:", Escape(tenantId), ":channel:", channel);

    /// <summary>Not a group: the key an anonymous connection's limits count against.</summary>
    public static string Anonymous(string tenantId, string connectionId) => string.Concat("t:", Escape(tenantId), ":anonymous:", connectionId);

    /// <summary>A tenant id as a segment of a room or group name: <c>%</c> and <c>:</c> escaped.</summary>
    public static string Escape(string tenantId) =>
        tenantId.AsSpan().IndexOfAny('%', ':') < 0
            ? tenantId
            : tenantId.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);
}
