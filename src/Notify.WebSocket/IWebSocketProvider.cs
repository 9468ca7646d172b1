using System.Text.Json;

namespace Notify.WebSocket;

/// <summary>
/// A WebSocket notification provider for one tenant: what host code calls to push notifications to users and
/// channels, query an external server and observe incoming messages.
/// </summary>
/// <remarks>
/// Delivery failures never throw: they come back as a failed <see cref="SendResult"/> carrying one of the
/// <see cref="WebSocketErrorCodes"/>. Invalid arguments throw <see cref="ArgumentException"/> and cancellation throws
/// <see cref="OperationCanceledException"/>. Obtain providers from <see cref="ProviderRegistry"/> (per tenant) or inject
/// <see cref="IWebSocketProvider"/> for the default tenant. Both may be kept for the life of the host: they forward to
/// the tenant's current provider, across configuration changes.
/// </remarks>
public interface IWebSocketProvider
{
    /// <summary>The tenant this provider sends for.</summary>
    string TenantId { get; }

    /// <summary>Whether this provider pushes through the host's gateway or talks to an external server.</summary>
    WebSocketMode Mode { get; }

    /// <summary>The current connection state.</summary>
    WebSocketConnectionState State { get; }

    /// <summary>
    /// Raised on every change of the connection state: connecting, connected, reconnecting (with the attempt, its delay
    /// and the reason), connected again (<see cref="ConnectionStateChangedEventArgs.IsReconnected"/>), failed, disposed.
    /// Raised after the change, never while the connection holds a lock; a handler must not block, and one that throws
    /// is logged. A provider from <see cref="ProviderRegistry"/> keeps raising it across configuration changes. Internal
    /// mode has no connection of its own and never raises it.
    /// </summary>
    event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Sends a notification to the user or channel named by <see cref="NotificationMessage.Recipient"/>.</summary>
    /// <param name="message">The recipient and content.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The outcome; a failure carries an error code and whether a retry may help.</returns>
    /// <exception cref="ArgumentException">The recipient names neither a user nor a channel, or both.</exception>
    /// <exception cref="OperationCanceledException">The send was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    ValueTask<SendResult> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sends a notification to every connection of one user.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="content">What to send.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The send was cancelled.</exception>
    ValueTask<SendResult> SendToUserAsync(string userId, NotificationContent content, CancellationToken cancellationToken = default);

    /// <summary>Broadcasts a notification to every member of a channel (requires <c>supportChannelBroadcast</c>).</summary>
    /// <param name="channel">The channel (room) name.</param>
    /// <param name="content">What to send.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The outcome; <see cref="WebSocketErrorCodes.ChannelBroadcastDisabled"/> when broadcasts are off.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The send was cancelled.</exception>
    ValueTask<SendResult> SendToChannelAsync(string channel, NotificationContent content, CancellationToken cancellationToken = default);

    /// <summary>Sends a request to the external server and waits for its response (request-response pattern).</summary>
    /// <param name="request">The event, its data and an optional timeout (default: <c>requestTimeout</c>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The response data as JSON; JSON <c>null</c> when the response carries no data.</returns>
    /// <exception cref="WebSocketNotificationException">
    /// The query failed: <see cref="WebSocketErrorCodes.Timeout"/> when no response came in time,
    /// <see cref="WebSocketErrorCodes.NotConfigured"/> in internal mode or when request-response is disabled.
    /// </exception>
    /// <exception cref="ArgumentException">The request has no event name.</exception>
    /// <exception cref="OperationCanceledException">The query was cancelled.</exception>
    ValueTask<JsonElement> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sends a request and deserializes the response to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="request">The event, its data and an optional timeout.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The deserialized response.</returns>
    /// <exception cref="WebSocketNotificationException">The query failed (see <see cref="QueryAsync(QueryRequest, CancellationToken)"/>), or the response does not deserialize to <typeparamref name="T"/> (<see cref="WebSocketErrorCodes.Error"/>).</exception>
    /// <exception cref="ArgumentException">The request has no event name.</exception>
    /// <exception cref="OperationCanceledException">The query was cancelled.</exception>
    ValueTask<T?> QueryAsync<T>(QueryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Checks that the provider can deliver: in external mode this really connects to the server.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Valid, or the error that prevents delivery (for example "WebSocket validation failed: Connection timeout").</returns>
    /// <exception cref="OperationCanceledException">The check was cancelled.</exception>
    ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the messages this provider receives from its server (external mode with <c>enableReceiving</c>).
    /// Each call is an independent subscription, live when the call returns: every message received after it is
    /// yielded, even if reading starts later (up to 1,024 unread messages are buffered per subscription; beyond that
    /// the oldest are dropped and counted under <c>notify.websocket.messages.dropped</c> with reason
    /// <c>slow-reader</c>). The subscription ends when the stream is read to its end or disposed, when
    /// <paramref name="cancellationToken"/> is cancelled (even if it was never read), or when the provider is
    /// disposed; a provider from <see cref="ProviderRegistry"/> follows the tenant's provider across configuration
    /// changes. In internal mode it yields nothing.
    /// </summary>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The incoming messages, in arrival order.</returns>
    IAsyncEnumerable<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default);
}
