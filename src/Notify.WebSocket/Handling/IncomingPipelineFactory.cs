using Microsoft.Extensions.Logging;
using Notify.WebSocket.Handling.Spool;

namespace Notify.WebSocket.Handling;

/// <summary>Chooses the strategies a configuration names and builds the pipeline that runs them.</summary>
internal sealed class IncomingPipelineFactory(
    IEnumerable<IMessageHandlingStrategy> strategies,
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

    public IReadOnlyList<IMessageHandlingStrategy> Select(WebSocketProviderOptions options)
    {
        var handling = options.MessageHandling;
        var name = handling.Strategy;
        if (string.Equals(name, MessageHandlingStrategies.None, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        if (!string.Equals(name, MessageHandlingStrategies.All, StringComparison.OrdinalIgnoreCase))
        {
            return [.. strategies.Where(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)).TakeLast(1)];
        }

        return [.. strategies.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.Last()).Where(s => IsWantedByAll(s.Name, handling))];
    }

    /// <summary>With <c>all</c>: callback when <c>callbackUrl</c> is set, database when <c>storeInDatabase</c>, Kafka when <c>publishToKafka</c>, custom strategies always.</summary>
    public static bool IsWantedByAll(string strategy, MessageHandlingOptions handling) => strategy.ToUpperInvariant() switch
    {
        "CALLBACK" => handling.CallbackUrl is not null,
        "DATABASE" => handling.StoreInDatabase,
        "KAFKA" => handling.PublishToKafka,
        _ => true,
    };
}
