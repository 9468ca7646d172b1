namespace Notify.WebSocket;

/// <summary>
/// Handles an incoming message (the spec's "message handling strategies": callback, database, Kafka).
/// Throwing means "not handled": the pipeline retries the message later, so an implementation must be idempotent
/// by <see cref="IncomingMessage.Id"/>.
/// </summary>
public interface IMessageHandlingStrategy
{
    /// <summary>The <c>messageHandling.strategy</c> name this implementation answers to (for example <c>callback</c>).</summary>
    string Name { get; }

    /// <summary>Handles one message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="options">The options of the provider that received it.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task that completes when the message is durably handled.</returns>
    ValueTask HandleAsync(IncomingMessage message, WebSocketProviderOptions options, CancellationToken cancellationToken = default);
}
