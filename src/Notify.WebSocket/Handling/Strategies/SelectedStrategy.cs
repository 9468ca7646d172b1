namespace Notify.WebSocket.Handling.Strategies;

/// <summary>A strategy a tenant's pipeline runs, with that tenant's options.</summary>
internal abstract class SelectedStrategy(string name)
{
    /// <summary>The name the spool records a message as handled by.</summary>
    public string Name { get; } = name;

    public abstract ValueTask HandleAsync(IncomingMessage message, CancellationToken cancellationToken);
}

internal sealed class SelectedStrategy<TOptions>(string name, IMessageHandlingStrategy<TOptions> strategy, TOptions options) : SelectedStrategy(name)
    where TOptions : class
{
    public override ValueTask HandleAsync(IncomingMessage message, CancellationToken cancellationToken) =>
        strategy.HandleAsync(message, options, cancellationToken);
}
