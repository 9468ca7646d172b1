namespace Notify.WebSocket;

/// <summary>
/// A handling strategy that takes many messages per call, for a sink that batches on its own side (a producer, a
/// database): the pipeline hands it up to a few hundred durable messages at once instead of one call each, so its
/// per-message cost is the sink's, not the pipeline's. Register it like any strategy, with
/// <c>AddHandlingStrategy&lt;TStrategy, TOptions&gt;</c>; the pipeline uses <see cref="HandleBatchAsync"/> whenever every
/// strategy a provider runs implements it, and <see cref="IMessageHandlingStrategy{TOptions}.HandleAsync"/> otherwise.
/// </summary>
/// <remarks>
/// The contract of <see cref="IMessageHandlingStrategy{TOptions}"/> holds per message: a message reported as not
/// handled is retried later (alone or in another batch), so handling must be idempotent by
/// <see cref="IncomingMessage.Id"/>, and a <see cref="WebSocketNotificationException"/> that is not
/// <see cref="WebSocketNotificationException.Retryable"/> refuses that message for good.
/// </remarks>
/// <typeparam name="TOptions">The strategy's options.</typeparam>
public interface IBatchMessageHandlingStrategy<in TOptions> : IMessageHandlingStrategy<TOptions>
    where TOptions : class
{
    /// <summary>Handles a batch of messages of one tenant.</summary>
    /// <param name="messages">The messages, oldest first.</param>
    /// <param name="options">The strategy's options for the tenant whose provider received them.</param>
    /// <param name="cancellationToken">Cancels the handling (the provider is closing or the host is stopping).</param>
    /// <returns>
    /// A task that completes when every message is durably handled or known not to be: null when all were handled;
    /// otherwise one entry per message, in order, null for a message handled and the exception for one that was not.
    /// Throwing means that none was handled.
    /// </returns>
    ValueTask<IReadOnlyList<Exception?>?> HandleBatchAsync(IReadOnlyList<IncomingMessage> messages, TOptions options, CancellationToken cancellationToken = default);
}
