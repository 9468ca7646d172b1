namespace Notify.WebSocket;

/// <summary>Named-options names: <c>{provider}</c> for the base configuration, <c>{provider}:tenants:{tenant}</c> for a tenant.</summary>
internal static class ProviderOptionsNames
{
    private const string TenantSeparator = ":tenants:";

    public static string For(string providerName, string? tenantId) =>
        tenantId is null ? providerName : providerName + TenantSeparator + tenantId;

    public static (string ProviderName, string? TenantId) Parse(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return (WebSocketProviderDefaults.ProviderName, null);
        }

        var i = name.IndexOf(TenantSeparator, StringComparison.Ordinal);
        return i < 0 ? (name, null) : (name[..i], name[(i + TenantSeparator.Length)..]);
    }
}
