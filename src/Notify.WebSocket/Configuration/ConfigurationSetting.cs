using System.Globalization;

namespace Notify.WebSocket;

/// <summary>
/// One scalar key of a provider section: converts the raw text and sets it, or says what is wrong with it (by the
/// value's full key path, with the fix). An empty value (JSON <c>null</c>) of a number, flag or choice leaves the
/// default in place.
/// </summary>
internal sealed class ConfigurationSetting
{
    private readonly Func<WebSocketProviderOptions, ConfiguredValue, string?> _apply;

    private ConfigurationSetting(Func<WebSocketProviderOptions, ConfiguredValue, string?> apply) => _apply = apply;

    /// <summary>Sets the value; returns the problem instead when it does not convert.</summary>
    public string? Apply(WebSocketProviderOptions options, ConfiguredValue value) => _apply(options, value);

    public static ConfigurationSetting Text(Action<WebSocketProviderOptions, string> set) => new((o, v) =>
    {
        set(o, v.Value);
        return null;
    });

    public static ConfigurationSetting Number(Action<WebSocketProviderOptions, int> set, int example) => new((o, v) =>
    {
        if (v.Value.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(v.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{v.Path} is \"{v.Value}\", which is not a whole number; give one such as {example} (the default).");
        }

        set(o, number);
        return null;
    });

    public static ConfigurationSetting Flag(Action<WebSocketProviderOptions, bool> set) => new((o, v) =>
    {
        if (v.Value.Length == 0)
        {
            return null;
        }

        if (!bool.TryParse(v.Value, out var flag))
        {
            return $"{v.Path} is \"{v.Value}\"; use true or false.";
        }

        set(o, flag);
        return null;
    });

    /// <summary>A value from a fixed list; the message lists the accepted values instead of a CLR type name.</summary>
    public static ConfigurationSetting Choice<TEnum>(Action<WebSocketProviderOptions, TEnum> set, params (string Name, TEnum Value)[] accepted)
        where TEnum : struct, Enum => new((o, v) =>
    {
        if (v.Value.Length == 0)
        {
            return null;
        }

        foreach (var (name, value) in accepted)
        {
            if (string.Equals(v.Value.Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                set(o, value);
                return null;
            }
        }

        return $"{v.Path} has the unknown value \"{v.Value}\"; use {string.Join(" or ", accepted.Select(a => $"\"{a.Name}\""))}.";
    });
}
