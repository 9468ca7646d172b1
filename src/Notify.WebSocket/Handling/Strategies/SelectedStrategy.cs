namespace Notify.WebSocket.Handling.Strategies;

/// <summary>A strategy a tenant's pipeline runs, with that tenant's options.</summary>
internal abstract class SelectedStrategy(string name)
{
    /// <summary>The name the spool records a message as handled by.</summary>
    public string Name { get; } = name;

    /// <summary>Whether the strategy takes batches (<see cref="IBatchMessageHandlingStrategy{TOptions}"/>).</summary>
    public abstract bool HandlesBatches { get; }

    public abstract ValueTask HandleAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>Only when <see cref="HandlesBatches"/>: null when all were handled, else an exception or null per message.</summary>
    public abstract ValueTask<IReadOnlyList<Exception?>?> HandleBatchAsync(IReadOnlyList<IncomingMessage> messages, CancellationToken cancellationToken);
}

internal sealed class SelectedStrategy<TOptions>(string name, IMessageHandlingStrategy<TOptions> strategy, TOptions options) : SelectedStrategy(name)
    where TOptions : class
{
    public override bool HandlesBatches => strategy is IBatchMessageHandlingStrategy<TOptions>;

    public override ValueTask HandleAsync(IncomingMessage message, CancellationToken cancellationToken) =>
        strategy.HandleAsync(message, options, cancellationToken);

    public override ValueTask<IReadOnlyList<Exception?>?> HandleBatchAsync(IReadOnlyList<IncomingMessage> messages, CancellationToken cancellationToken) =>
        ((IBatchMessageHandlingStrategy<TOptions>)strategy).HandleBatchAsync(messages, options, cancellationToken);
}
