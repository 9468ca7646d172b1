using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket;

/// <summary>
/// Binds a provider section, with a tenant's overrides laid over it, onto <see cref="WebSocketProviderOptions"/>.
/// </summary>
/// <remarks>
/// The configuration binder appends to lists and merges into dictionaries that already hold values, so binding the
/// tenant section over the base one would turn <c>transports: ["polling"]</c> into three entries and mix two tenants'
/// credentials. Instead the effective key/value set is computed first: a tenant's scalar, array or credential map
/// replaces the base one whole, and nested objects (<c>messageHandling</c>, <c>customEvents</c>) merge field by field.
/// The result is bound once, under the real key path, so binder errors name the key a user has to fix.
/// </remarks>
internal static class ProviderConfigurationBinder
{
    public const string TenantsKey = "tenants";

    private static readonly string[] ReplacedWhole = ["authQuery", "authHeaders"];
    private static readonly string[] ListKeys = ["transports", "subscribeToEvents", "defaultChannels"];

    public static string TenantPath(IConfigurationSection section, string tenantId) =>
        ConfigurationPath.Combine(section.Path, TenantsKey, tenantId);

    public static IEnumerable<string> TenantIds(IConfigurationSection section) =>
        section.GetSection(TenantsKey).GetChildren().Select(c => c.Key);

    public static void Bind(IConfigurationSection section, string? tenantId, WebSocketProviderOptions options)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && !IsUnder(key, TenantsKey))
            {
                values[key] = value;
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
        CheckEnum(values, "mode", keyPath, options, ("internal", WebSocketMode.Internal), ("external", WebSocketMode.External));
        CheckEnum(values, "protocol", keyPath, options, ("ws", WebSocketProtocol.Ws), ("socketio", WebSocketProtocol.SocketIo));

        foreach (var listKey in ListKeys)
        {
            if (values.Keys.Any(k => IsUnder(k, listKey)))
            {
                ListProperty(options, listKey).Clear();
            }
        }

        var effective = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(kv => KeyValuePair.Create(ConfigurationPath.Combine(keyPath, kv.Key), kv.Value)))
            .Build();
        try
        {
            effective.GetSection(keyPath).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            options.BindingErrors.Add(WithConfiguredKeyCasing(ex.Message, keyPath, values.Keys) + " Correct or remove that key.");
        }
    }

    /// <summary>The binder reports keys with the property's casing (<c>Timeout</c>); show the key as the user wrote it.</summary>
    private static string WithConfiguredKeyCasing(string message, string keyPath, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            var full = ConfigurationPath.Combine(keyPath, key);
            var at = message.IndexOf("'" + full + "'", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                return string.Concat(message.AsSpan(0, at + 1), full, message.AsSpan(at + 1 + full.Length));
            }
        }

        return message;
    }

    private static IList<string> ListProperty(WebSocketProviderOptions options, string key) => key switch
    {
        "transports" => options.Transports,
        "subscribeToEvents" => options.SubscribeToEvents,
        _ => options.DefaultChannels,
    };

    /// <summary>Enum values are checked here so the message lists the accepted values instead of a CLR type name.</summary>
    private static void CheckEnum<TEnum>(Dictionary<string, string?> values, string key, string keyPath, WebSocketProviderOptions options, params (string Name, TEnum Value)[] accepted)
        where TEnum : struct, Enum
    {
        if (!values.TryGetValue(key, out var raw) || raw is null)
        {
            return;
        }

        foreach (var (name, value) in accepted)
        {
            if (string.Equals(raw.Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                values[key] = value.ToString();
                return;
            }
        }

        values.Remove(key);
        var list = string.Join(" or ", accepted.Select(a => $"\"{a.Name}\""));
        options.BindingErrors.Add($"{ConfigurationPath.Combine(keyPath, key)} has the unknown value \"{raw}\"; use {list}.");
    }

    private static void Overlay(IConfigurationSection overlay, string? prefix, Dictionary<string, string?> values)
    {
        foreach (var child in overlay.GetChildren())
        {
            var path = prefix is null ? child.Key : ConfigurationPath.Combine(prefix, child.Key);
            if (child.Value is not null)
            {
                RemoveUnder(values, path);
                values[path] = child.Value;
            }
            else if (IsArray(child) || (prefix is null && ReplacedWhole.Contains(child.Key, StringComparer.OrdinalIgnoreCase)))
            {
                RemoveUnder(values, path);
                foreach (var (key, value) in child.AsEnumerable(makePathsRelative: true))
                {
                    if (value is not null)
                    {
                        values[ConfigurationPath.Combine(path, key)] = value;
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

    private static void RemoveUnder(Dictionary<string, string?> values, string path)
    {
        foreach (var key in values.Keys.Where(k => IsUnder(k, path)).ToList())
        {
            values.Remove(key);
        }
    }

    private static bool IsUnder(string key, string path) =>
        key.Equals(path, StringComparison.OrdinalIgnoreCase)
        || (key.Length > path.Length && key[path.Length] == ':' && key.StartsWith(path, StringComparison.OrdinalIgnoreCase));
}
