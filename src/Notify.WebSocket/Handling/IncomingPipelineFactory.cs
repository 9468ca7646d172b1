using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Handling;

/// <summary>Chooses the strategies a configuration names and builds the pipeline that runs them.</summary>
internal sealed class IncomingPipelineFactory(IEnumerable<IMessageHandlingStrategy> strategies, ILoggerFactory loggerFactory)
{
    public IncomingPipeline? Create(string tenantId, WebSocketProviderOptions options)
    {
        if (!options.EnableReceiving)
        {
            return null;
        }

        var selected = Select(options);
        return selected.Count == 0 ? null : new IncomingPipeline(selected, options, loggerFactory.CreateLogger<IncomingPipeline>());
    }

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

        bool Wanted(IMessageHandlingStrategy s) => s.Name.ToUpperInvariant() switch
        {
            "CALLBACK" => handling.CallbackUrl is not null,
            "DATABASE" => handling.StoreInDatabase,
            "KAFKA" => handling.PublishToKafka,
            _ => true,
        };

        return [.. strategies.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.Last()).Where(Wanted)];
    }
}
