using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket.Handling.Strategies;

/// <summary>
/// Takes the keys of strategies' own sections (<c>messageHandling:strategies:{name}</c>) and of their aliases directly
/// under <c>messageHandling</c> out of a provider's merged values and binds each strategy's options from them; the
/// core's binder never sees those keys. A section of a strategy the provider configuration has not added is reported.
/// </summary>
internal static class HandlingStrategySections
{
    /// <param name="values">The provider's merged values, keys relative to its section; strategy keys are removed.</param>
    /// <param name="options">The options to bind onto (their <see cref="WebSocketProviderOptions.KeyPath"/> already set).</param>
    /// <param name="strategies">The strategies the provider configuration can name.</param>
    public static void Bind(Dictionary<string, ConfiguredValue> values, WebSocketProviderOptions options, IReadOnlyList<HandlingStrategyRegistration> strategies)
    {
        var sections = TakeSections(values, options.BindingErrors);
        foreach (var strategy in strategies.Where(s => s.HasOwnOptions))
        {
            var own = sections.Remove(strategy.Name, out var found) ? found : new Dictionary<string, ConfiguredValue>(StringComparer.OrdinalIgnoreCase);
            foreach (var (alias, target) in strategy.Aliases)
            {
                var key = ConfigurationPath.Combine(HandlingStrategyKeys.MessageHandling, alias);
                if (values.Remove(key, out var value))
                {
                    own.TryAdd(target, value);
                }
            }

            strategy.Bind(new ConfiguredValuesSection(own, HandlingStrategyKeys.SectionPath(options.KeyPath, strategy.Name)), options);
        }

        foreach (var (name, orphan) in sections)
        {
            var path = orphan.Values.Select(v => v.Path).Order(StringComparer.OrdinalIgnoreCase).First();
            options.BindingErrors.Add(strategies.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                ? $"{path} is not a known setting: the {name} strategy's settings are keys of messageHandling itself; move it there or remove it."
                : $"{path} belongs to no strategy: none named \"{name}\" is added to this provider configuration; {HandlingStrategyKeys.HowToAdd}, or remove the section.");
        }
    }

    /// <summary>The values under <c>messageHandling:strategies</c>, by strategy name, keys relative to each one's section.</summary>
    private static Dictionary<string, Dictionary<string, ConfiguredValue>> TakeSections(Dictionary<string, ConfiguredValue> values, List<string> errors)
    {
        var sections = new Dictionary<string, Dictionary<string, ConfiguredValue>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values.Where(v => ProviderConfigurationBinder.IsUnder(v.Key, HandlingStrategyKeys.Strategies)).ToList())
        {
            values.Remove(key);
            var rest = key.Length > HandlingStrategyKeys.Strategies.Length ? key[(HandlingStrategyKeys.Strategies.Length + 1)..] : string.Empty;
            var separator = rest.IndexOf(':', StringComparison.Ordinal);
            if (separator < 0)
            {
                // "strategies": "x" or "strategies": { "audit": "x" }; an empty section is no problem.
                if (value.Value.Length > 0)
                {
                    errors.Add($"{value.Path} is \"{value.Value}\" but must be an object; correct or remove it.");
                }

                continue;
            }

            var name = rest[..separator];
            if (!sections.TryGetValue(name, out var section))
            {
                sections[name] = section = new Dictionary<string, ConfiguredValue>(StringComparer.OrdinalIgnoreCase);
            }

            section[rest[(separator + 1)..]] = value;
        }

        return sections;
    }
}
