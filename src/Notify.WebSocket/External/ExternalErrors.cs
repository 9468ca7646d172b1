namespace Notify.WebSocket.External;

/// <summary>The errors of external mode, with the spec's troubleshooting wording where it has one.</summary>
internal static class ExternalErrors
{
    public static readonly WebSocketNotificationError ConnectTimeout =
        new(WebSocketErrorCodes.Timeout, "WebSocket validation failed: Connection timeout", Retryable: true);

    public static readonly WebSocketNotificationError QueueFull =
        new(WebSocketErrorCodes.QueueFull, "The send queue is full while the connection is down; raise sendQueueCapacity or retry later.", Retryable: true);

    public static readonly WebSocketNotificationError Closed =
        new(WebSocketErrorCodes.ConnectionError, "The connection was closed.", Retryable: false);

    public static readonly WebSocketNotificationError AckTimeout =
        new(WebSocketErrorCodes.Timeout, "The server did not acknowledge the message in time.", Retryable: true);

    public static readonly WebSocketNotificationError Lost =
        new(WebSocketErrorCodes.ConnectionError, "The connection was lost before the server answered.", Retryable: true);

    public static WebSocketNotificationError Unauthorized(int status) =>
        new(WebSocketErrorCodes.AuthError, status == 403 ? "WebSocket error: 403 Forbidden" : "WebSocket error: 401 Unauthorized", Retryable: false);

    /// <summary>Retryable: a connection that gave up tries again later (see <see cref="Down"/>).</summary>
    public static WebSocketNotificationError MaxAttempts(int attempts) =>
        new(WebSocketErrorCodes.ConnectionError, $"Max reconnection attempts ({attempts}) reached", Retryable: true);

    /// <summary>A host's own <see cref="IReconnectionPolicy"/> gave up: its rule, not <c>reconnectionAttempts</c>, ended the attempts.</summary>
    public static WebSocketNotificationError PolicyGaveUp(int attempts) =>
        new(WebSocketErrorCodes.ConnectionError, $"The reconnection policy gave up after {attempts} reconnection attempt(s)", Retryable: true);

    /// <summary>A send refused or failed because the connection gave up: the reason, and when it tries again.</summary>
    public static WebSocketNotificationError Down(WebSocketNotificationError failure, TimeSpan? nextAttemptIn = null) =>
        new(
            failure.Code == WebSocketErrorCodes.AuthError ? WebSocketErrorCodes.AuthError : WebSocketErrorCodes.ConnectionError,
            nextAttemptIn is { } wait
                ? $"{failure.Message}; the connection is down and tries again in {Math.Ceiling(wait.TotalSeconds):0} s (or at the next send after that)."
                : failure.Message,
            Retryable: true);

    /// <summary>Marks a message whose sender gave up waiting, so no writer writes it.</summary>
    public static readonly WebSocketNotificationError Cancelled =
        new(WebSocketErrorCodes.Error, "The send was cancelled.", Retryable: true);

    public static WebSocketNotificationError ConnectFailed(string reason) =>
        new(WebSocketErrorCodes.ConnectionError, "WebSocket error: " + reason, Retryable: true);

    public static WebSocketNotificationError QueryTimeout(string eventName, TimeSpan timeout) =>
        new(WebSocketErrorCodes.Timeout, $"No response to \"{eventName}\" within {timeout.TotalMilliseconds:0} ms.", Retryable: true);
}
