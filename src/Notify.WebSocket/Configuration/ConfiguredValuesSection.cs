using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Notify.WebSocket;

/// <summary>
/// A configuration section over already merged values (a provider's base section with a tenant's laid over it), so a
/// strategy's own options bind through <see cref="IConfigurationSection"/> the way any options do. A value keeps the
/// full key path it was written under as its <see cref="Path"/>. Read-only as far as the sources are concerned: a
/// value set here only changes this view.
/// </summary>
internal sealed class ConfiguredValuesSection : IConfigurationSection
{
    private static readonly IChangeToken NeverChanges = new CancellationChangeToken(CancellationToken.None);

    private readonly Dictionary<string, ConfiguredValue> _values;
    private readonly string _prefix;
    private readonly string _path;

    /// <param name="values">Keys relative to the section, with their values and full paths.</param>
    /// <param name="path">The section's full key path.</param>
    public ConfiguredValuesSection(Dictionary<string, ConfiguredValue> values, string path)
        : this(values, path, prefix: string.Empty)
    {
    }

    private ConfiguredValuesSection(Dictionary<string, ConfiguredValue> values, string path, string prefix)
    {
        _values = values;
        _path = path;
        _prefix = prefix;
    }

    public string Key => ConfigurationPath.GetSectionKey(_path);

    public string Path => _prefix.Length > 0 && _values.TryGetValue(_prefix, out var value) ? value.Path : _path;

    public string? Value
    {
        get => _prefix.Length > 0 && _values.TryGetValue(_prefix, out var value) ? value.Value : null;
        set => Set(_prefix, _path, value);
    }

    public string? this[string key]
    {
        get => _values.TryGetValue(Relative(key), out var value) ? value.Value : null;
        set => Set(Relative(key), ConfigurationPath.Combine(_path, key), value);
    }

    public IConfigurationSection GetSection(string key) =>
        new ConfiguredValuesSection(_values, ConfigurationPath.Combine(_path, key), Relative(key));

    public IEnumerable<IConfigurationSection> GetChildren()
    {
        var start = _prefix.Length == 0 ? 0 : _prefix.Length + 1;
        return _values.Keys
            .Where(k => _prefix.Length == 0 || (k.Length > start && ProviderConfigurationBinder.IsUnder(k, _prefix)))
            .Select(k => k[start..].Split(':')[0])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(ChildOrder.Instance)
            .Select(GetSection)
            .ToList();
    }

    public IChangeToken GetReloadToken() => NeverChanges;

    private string Relative(string key) => _prefix.Length == 0 ? key : ConfigurationPath.Combine(_prefix, key);

    private void Set(string key, string path, string? value)
    {
        if (value is null)
        {
            _values.Remove(key);
        }
        else
        {
            _values[key] = new ConfiguredValue(value, path);
        }
    }

    /// <summary>Array indexes in numeric order, then names, as configuration providers list them.</summary>
    private sealed class ChildOrder : IComparer<string>
    {
        public static readonly ChildOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var xIsIndex = int.TryParse(x, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var xi);
            var yIsIndex = int.TryParse(y, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var yi);
            return (xIsIndex, yIsIndex) switch
            {
                (true, true) => xi.CompareTo(yi),
                (true, false) => -1,
                (false, true) => 1,
                _ => StringComparer.OrdinalIgnoreCase.Compare(x, y),
            };
        }
    }
}
