namespace Notify.WebSocket.External;

/// <summary>A provider listening to a pooled connection's incoming events. Called on the receive loop, one frame at a time.</summary>
internal interface IIncomingSubscriber
{
    /// <summary>
    /// Takes an event if it is one the subscriber wants. A subscriber that makes it durable holds
    /// <paramref name="acknowledgment"/> (when the server asked for one) until it is. Completing late slows the receive
    /// loop down: that is the back-pressure of a full incoming queue.
    /// </summary>
    /// <returns>What the subscriber did with the event.</returns>
    ValueTask<IncomingOutcome> OnIncomingAsync(IncomingFrame frame, IncomingAcknowledgment? acknowledgment);
}
