using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.Handling.Strategies;

/// <summary>
/// A strategy added with <c>AddHandlingStrategy</c>: its options are bound per tenant by the caller's delegate from
/// <c>messageHandling:strategies:{name}</c> and checked at start by every <see cref="IValidateOptions{TOptions}"/>
/// registered for them, which are given the section's full key path as the options name.
/// </summary>
internal sealed class ConfiguredHandlingStrategy<TOptions>(
    string providerName,
    string name,
    Func<IServiceProvider, IMessageHandlingStrategy<TOptions>> create,
    Action<IConfigurationSection, TOptions> bind,
    IReadOnlyDictionary<string, string> aliases)
    : HandlingStrategyRegistration<TOptions>(providerName, name, create, options => OptionsOf(options, name))
    where TOptions : class, new()
{
    public override IReadOnlyDictionary<string, string> Aliases { get; } = aliases;

    public override bool HasOwnOptions => true;

    public override void Bind(IConfigurationSection section, WebSocketProviderOptions options)
    {
        var own = new TOptions();
        try
        {
            bind(section, own);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            options.BindingErrors.Add(HandlingStrategyKeys.UnderPath(section.Path, ex.Message));
        }

        options.StrategyOptions[Name] = own;
    }

    public override void Validate(IServiceProvider services, WebSocketProviderOptions options, List<string> errors)
    {
        var path = HandlingStrategyKeys.SectionPath(options.KeyPath, Name);
        var own = OptionsOf(options, Name);
        foreach (var validator in services.GetServices<IValidateOptions<TOptions>>())
        {
            if (validator.Validate(path, own) is { Failed: true } result)
            {
                errors.AddRange(result.Failures.Select(f => HandlingStrategyKeys.UnderPath(path, f)));
            }
        }
    }

    private static TOptions OptionsOf(WebSocketProviderOptions options, string name) =>
        options.StrategyOptions.TryGetValue(name, out var own) ? (TOptions)own
            : throw new InvalidOperationException($"The options of the handling strategy \"{name}\" were not bound.");
}
