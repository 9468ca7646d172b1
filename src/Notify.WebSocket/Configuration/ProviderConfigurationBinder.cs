using Microsoft.Extensions.Configuration;
using Notify.WebSocket.Handling.Strategies;

namespace Notify.WebSocket;

/// <summary>
/// Binds a provider section, with a tenant's overrides laid over it, onto <see cref="WebSocketProviderOptions"/>.
/// </summary>
/// <remarks>
/// The effective key/value set is computed first: a tenant's scalar, array or credential map replaces the base one
/// whole, and nested objects (<c>messageHandling</c>, <c>customEvents</c>) merge field by field. Each value keeps the
/// full key path it was written under, so every problem (an unknown key, a value that does not convert) is reported
/// by that path, all of them at once: binding never stops at the first one (see <see cref="ProviderOptionsKeys"/>).
/// Strategies' own sections are bound by their strategies (see <see cref="HandlingStrategySections"/>).
/// Nothing here uses reflection, so binding is safe under trimming and Native AOT.
/// </remarks>
internal static class ProviderConfigurationBinder
{
    public const string TenantsKey = "tenants";

    private static readonly string[] ReplacedWhole = ["authQuery", "authHeaders"];

    public static string TenantPath(IConfigurationSection section, string tenantId) =>
        ConfigurationPath.Combine(section.Path, TenantsKey, tenantId);

    public static IEnumerable<string> TenantIds(IConfigurationSection section) =>
        section.GetSection(TenantsKey).GetChildren().Select(c => c.Key);

    public static void Bind(IConfigurationSection section, string? tenantId, WebSocketProviderOptions options, IReadOnlyList<HandlingStrategyRegistration> strategies)
    {
        var values = new Dictionary<string, ConfiguredValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && !IsUnder(key, TenantsKey))
            {
                values[key] = new ConfiguredValue(value, ConfigurationPath.Combine(section.Path, key));
            }
        }

        var keyPath = section.Path;
        if (tenantId is not null)
        {
            var tenantSection = section.GetSection(ConfigurationPath.Combine(TenantsKey, tenantId));
            if (tenantSection.Exists())
            {
                Overlay(tenantSection, prefix: null, values);
                keyPath = TenantPath(section, tenantId);
            }
        }

        options.KeyPath = keyPath;
        HandlingStrategySections.Bind(values, options, strategies);
        ProviderOptionsKeys.Apply(values, options, options.BindingErrors);
    }

    private static void Overlay(IConfigurationSection overlay, string? prefix, Dictionary<string, ConfiguredValue> values)
    {
        foreach (var child in overlay.GetChildren())
        {
            var path = prefix is null ? child.Key : ConfigurationPath.Combine(prefix, child.Key);
            if (child.Value is not null)
            {
                RemoveUnder(values, path);
                values[path] = new ConfiguredValue(child.Value, child.Path);
            }
            else if (IsArray(child) || (prefix is null && ReplacedWhole.Contains(child.Key, StringComparer.OrdinalIgnoreCase)))
            {
                RemoveUnder(values, path);
                foreach (var (key, value) in child.AsEnumerable(makePathsRelative: true))
                {
                    if (value is not null)
                    {
                        values[ConfigurationPath.Combine(path, key)] = new ConfiguredValue(value, ConfigurationPath.Combine(child.Path, key));
                    }
                }
            }
            else
            {
                Overlay(child, path, values);
            }
        }
    }

    private static bool IsArray(IConfigurationSection section)
    {
        var any = false;
        foreach (var child in section.GetChildren())
        {
            any = true;
            if (!int.TryParse(child.Key, out _))
            {
                return false;
            }
        }

        return any;
    }

    private static void RemoveUnder(Dictionary<string, ConfiguredValue> values, string path)
    {
        foreach (var key in values.Keys.Where(k => IsUnder(k, path)).ToList())
        {
            values.Remove(key);
        }
    }

    internal static bool IsUnder(string key, string path) =>
        key.Equals(path, StringComparison.OrdinalIgnoreCase)
        || (key.Length > path.Length && key[path.Length] == ':' && key.StartsWith(path, StringComparison.OrdinalIgnoreCase));
}
