using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket.Handling.Strategies;

/// <summary>
/// A strategy <c>messageHandling:strategy</c> can name: a built-in one for every provider configuration, or one added
/// with <c>AddHandlingStrategy</c> for one provider configuration. Says how to make the strategy, where its options
/// come from and whether <c>all</c> includes it.
/// </summary>
internal abstract class HandlingStrategyRegistration(string? providerName, string name)
{
    /// <summary>The provider configuration it serves; <see langword="null"/> for every one.</summary>
    public string? ProviderName { get; } = providerName;

    public string Name { get; } = name;

    /// <summary>Keys directly under <c>messageHandling</c> read as keys of the strategy's own section (which wins).</summary>
    public virtual IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>();

    /// <summary>Whether its options come from its own section (<c>messageHandling:strategies:{name}</c>).</summary>
    public virtual bool HasOwnOptions => false;

    public bool AppliesTo(string providerName) => ProviderName is null || string.Equals(ProviderName, providerName, StringComparison.Ordinal);

    /// <summary>Binds the strategy's own options from its section onto the provider options; problems go to their binding errors.</summary>
    public virtual void Bind(IConfigurationSection section, WebSocketProviderOptions options)
    {
    }

    /// <summary>Checks, at start, the options of a provider that uses the strategy; each problem names its full key path.</summary>
    public virtual void Validate(IServiceProvider services, WebSocketProviderOptions options, List<string> errors)
    {
    }

    /// <summary>Makes the strategy; called once per container.</summary>
    public abstract object CreateStrategy(IServiceProvider services);

    /// <summary>With <c>all</c>: whether the strategy takes part for these provider options.</summary>
    public abstract bool TakesPartInAll(object strategy, WebSocketProviderOptions options);

    /// <summary>The strategy with the options of one tenant, as the pipeline runs it.</summary>
    public abstract SelectedStrategy Select(object strategy, WebSocketProviderOptions options);
}

/// <summary>A registration whose options the provider options hold (or give access to).</summary>
internal class HandlingStrategyRegistration<TOptions>(
    string? providerName,
    string name,
    Func<IServiceProvider, IMessageHandlingStrategy<TOptions>> create,
    Func<WebSocketProviderOptions, TOptions> optionsOf)
    : HandlingStrategyRegistration(providerName, name)
    where TOptions : class
{
    public override object CreateStrategy(IServiceProvider services) =>
        create(services) ?? throw new InvalidOperationException($"The factory of the handling strategy \"{Name}\" returned null.");

    public override bool TakesPartInAll(object strategy, WebSocketProviderOptions options) =>
        ((IMessageHandlingStrategy<TOptions>)strategy).TakesPartInAll(optionsOf(options));

    public override SelectedStrategy Select(object strategy, WebSocketProviderOptions options) =>
        new SelectedStrategy<TOptions>(Name, (IMessageHandlingStrategy<TOptions>)strategy, optionsOf(options));
}
