namespace Notify.WebSocket;

/// <summary>
/// Handles incoming messages with options of its own (the spec's "message handling strategies"). Register one with
/// <c>builder.AddHandlingStrategy&lt;TStrategy, TOptions&gt;(name, bind)</c>: <c>messageHandling:strategy</c> then
/// selects it by that name (and <c>all</c> includes it), its options are bound from
/// <c>messageHandling:strategies:{name}</c> of the provider's section (a tenant's section laid over the base one) and
/// checked at start, and each call gets the options of the tenant whose provider received the message. The strategy
/// sees nothing else of the provider's configuration.
/// </summary>
/// <remarks>
/// Throwing means "not handled": the pipeline retries the message later, so an implementation must be idempotent by
/// <see cref="IncomingMessage.Id"/>. A <see cref="WebSocketNotificationException"/> that is not
/// <see cref="WebSocketNotificationException.Retryable"/> refuses the message for good instead. One instance serves
/// every tenant and every message in flight, so it must be thread-safe.
/// </remarks>
/// <typeparam name="TOptions">The strategy's options.</typeparam>
public interface IMessageHandlingStrategy<in TOptions>
    where TOptions : class
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="options">The strategy's options for the tenant whose provider received the message.</param>
    /// <param name="cancellationToken">Cancels the handling (the provider is closing or the host is stopping).</param>
    /// <returns>A task that completes when the message is durably handled.</returns>
    ValueTask HandleAsync(IncomingMessage message, TOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// With <c>messageHandling:strategy</c> <c>all</c>: whether this strategy takes part for a provider configured
    /// with <paramref name="options"/>. Always, by default.
    /// </summary>
    /// <param name="options">The strategy's options for the tenant.</param>
    /// <returns>Whether <c>all</c> runs this strategy.</returns>
    bool TakesPartInAll(TOptions options) => true;
}
