using Microsoft.Extensions.Logging;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Strategies;

namespace Notify.WebSocket.Handling;

/// <summary>Chooses the strategies a configuration names and builds the pipeline that runs them.</summary>
internal sealed class IncomingPipelineFactory(
    HandlingStrategies strategies,
    SpoolRegistry spools,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    /// <param name="tenantId">The tenant.</param>
    /// <param name="options">The tenant's options.</param>
    /// <param name="providerName">The provider configuration's name (default <c>websocket</c>).</param>
    public IncomingPipeline? Create(string tenantId, WebSocketProviderOptions options, string providerName = WebSocketProviderDefaults.ProviderName)
    {
        if (!options.EnableReceiving)
        {
            return null;
        }

        var selected = Select(options);
        return selected.Count == 0
            ? null
            : new IncomingPipeline(tenantId, Owner(providerName, tenantId), selected, options, spools, timeProvider, loggerFactory.CreateLogger<IncomingPipeline>());
    }

    /// <summary>Spooled messages belong to one tenant of one provider configuration: its named-options name, <c>{provider}:tenants:{tenant}</c>.</summary>
    public static string Owner(string providerName, string tenantId) => ProviderOptionsNames.For(providerName, tenantId);

    /// <summary>The strategy <c>messageHandling:strategy</c> names, or with <c>all</c> every one that takes part; each with the tenant's options.</summary>
    public IReadOnlyList<SelectedStrategy> Select(WebSocketProviderOptions options) =>
        [.. Used(strategies, options).Select(r => strategies.Select(r, options))];

    /// <summary>The registrations <c>messageHandling:strategy</c> uses; none for <c>none</c> or a name nothing is registered under.</summary>
    public static IEnumerable<HandlingStrategyRegistration> Used(HandlingStrategies strategies, WebSocketProviderOptions options)
    {
        var name = options.MessageHandling.Strategy;
        if (string.Equals(name, MessageHandlingStrategies.None, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var available = strategies.For(options.ProviderName);
        return string.Equals(name, MessageHandlingStrategies.All, StringComparison.OrdinalIgnoreCase)
            ? available.Where(r => strategies.TakesPartInAll(r, options))
            : available.Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
