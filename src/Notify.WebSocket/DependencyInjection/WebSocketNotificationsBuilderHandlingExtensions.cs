using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket;
using Notify.WebSocket.Handling.Database;
using Notify.WebSocket.Handling.Strategies;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Incoming-message strategies: custom ones, and what the built-in ones need besides configuration.</summary>
public static class WebSocketNotificationsBuilderHandlingExtensions
{
    /// <summary>
    /// Adds a handling strategy to this builder's provider configuration under <paramref name="name"/>:
    /// <c>messageHandling:strategy</c> can then name it, and <c>all</c> runs it whenever its
    /// <see cref="IMessageHandlingStrategy{TOptions}.TakesPartInAll"/> says so. The strategy is the
    /// <typeparamref name="TStrategy"/> singleton of the container (registered here if it is not), which serves every
    /// provider configuration and tenant it is added to, each call with that tenant's options.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For each tenant, a new <typeparamref name="TOptions"/> is bound by <paramref name="bind"/> from the section
    /// <c>messageHandling:strategies:{name}</c> of the provider's configuration, a tenant's section laid over the base
    /// one (its own values win field by field; an array replaces the base one whole). <paramref name="bind"/> may also
    /// set values in code. Bind with the configuration binding source generator (<c>section.Bind(options)</c> with
    /// <c>EnableConfigurationBindingGenerator</c>) or by hand to stay trim- and Native-AOT-safe; an exception it throws
    /// is reported with the section's key path.
    /// </para>
    /// <para>
    /// At start (and on every configuration change) the options of each provider and tenant that uses the strategy are
    /// checked by every <c>IValidateOptions&lt;TOptions&gt;</c> in the container (for example a source-generated
    /// <c>[OptionsValidator]</c>), which is given the section's full key path as the options name:
    /// a failure should start with it (<c>{name}:url is required</c>), and is prefixed with it otherwise.
    /// </para>
    /// <para>Adding a strategy under a name again replaces it; <c>none</c> and <c>all</c> cannot be used.</para>
    /// </remarks>
    /// <typeparam name="TStrategy">The strategy.</typeparam>
    /// <typeparam name="TOptions">The strategy's own options.</typeparam>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="name">The strategy's name in configuration, for example <c>audit</c>: letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</param>
    /// <param name="bind">Binds the options from the strategy's section.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, reserved or not a plain name.</exception>
    public static IWebSocketNotificationsBuilder AddHandlingStrategy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStrategy, TOptions>(
        this IWebSocketNotificationsBuilder builder,
        string name,
        Action<IConfigurationSection, TOptions> bind)
        where TStrategy : class, IMessageHandlingStrategy<TOptions>
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStrategy>();
        return builder.AddHandlingStrategy(name, static sp => sp.GetRequiredService<TStrategy>(), bind);
    }

    /// <summary>
    /// Adds a handling strategy made by <paramref name="create"/> (once per container, when first needed; the library
    /// does not dispose it: return a service of the container to have it disposed) to this builder's provider
    /// configuration under <paramref name="name"/>; otherwise as
    /// <see cref="AddHandlingStrategy{TStrategy, TOptions}(IWebSocketNotificationsBuilder, string, Action{IConfigurationSection, TOptions})"/>.
    /// </summary>
    /// <typeparam name="TOptions">The strategy's own options.</typeparam>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="name">The strategy's name in configuration.</param>
    /// <param name="create">Makes the strategy.</param>
    /// <param name="bind">Binds the options from the strategy's section.</param>
    /// <param name="aliases">
    /// Keys directly under <c>messageHandling</c> that the strategy also reads, each mapped to the key of its own
    /// section it stands for (which wins when both are set), for settings a specification puts there: with
    /// <c>{ ["auditTopic"] = "topic" }</c>, <c>messageHandling:auditTopic</c> is read as <c>topic</c> of the strategy's
    /// section. They are known keys only where the strategy is added.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, reserved or not a plain name, or an alias is not a plain key.</exception>
    public static IWebSocketNotificationsBuilder AddHandlingStrategy<TOptions>(
        this IWebSocketNotificationsBuilder builder,
        string name,
        Func<IServiceProvider, IMessageHandlingStrategy<TOptions>> create,
        Action<IConfigurationSection, TOptions> bind,
        IReadOnlyDictionary<string, string>? aliases = null)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(bind);
        RequirePlainKey(name, nameof(name));
        if (string.Equals(name, MessageHandlingStrategies.None, StringComparison.OrdinalIgnoreCase) || string.Equals(name, MessageHandlingStrategies.All, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"\"{name}\" is a reserved messageHandling:strategy value; choose another name.", nameof(name));
        }

        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, target) in aliases ?? new Dictionary<string, string>())
        {
            RequirePlainKey(alias, nameof(aliases));
            ArgumentException.ThrowIfNullOrWhiteSpace(target, nameof(aliases));
            copy[alias] = target;
        }

        builder.Services.AddSingleton<HandlingStrategyRegistration>(new ConfiguredHandlingStrategy<TOptions>(builder.ProviderName, name, create, bind, copy));
        return builder;
    }

    /// <summary>
    /// Registers the ADO.NET provider the database strategy uses for <c>messageHandling:databaseProvider</c>
    /// <paramref name="name"/>: <c>postgresql</c> (for example <c>NpgsqlFactory.Instance</c>) or <c>sqlite</c> (which
    /// <c>.AddSqlite()</c> of the Notify.WebSocket.Sqlite package registers).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name"><c>postgresql</c> or <c>sqlite</c>: it chooses the SQL dialect.</param>
    /// <param name="factory">The provider's factory.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a supported dialect.</exception>
    public static IWebSocketNotificationsBuilder AddDatabaseProvider(this IWebSocketNotificationsBuilder builder, string name, DbProviderFactory factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (NotificationsDialect.For(name) is null)
        {
            throw new ArgumentException($"\"{name}\" is not a supported database; use \"{MessageHandlingDefaults.PostgreSqlProvider}\" or \"{MessageHandlingDefaults.SqliteProvider}\".", nameof(name));
        }

        builder.Services.AddSingleton(new DatabaseProviderRegistration(name, factory));
        return builder;
    }

    private static void RequirePlainKey(string key, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key, parameter);
        if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"\"{key}\" is not a plain configuration key (letters, digits, -, _ or .).", parameter);
        }
    }
}
