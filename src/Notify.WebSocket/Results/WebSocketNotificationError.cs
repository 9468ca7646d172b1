namespace Notify.WebSocket;

/// <summary>Why an operation failed.</summary>
/// <param name="Code">One of <see cref="WebSocketErrorCodes"/>.</param>
/// <param name="Message">A human-readable explanation (never contains a secret).</param>
/// <param name="Retryable">Whether trying again later may succeed.</param>
public sealed record WebSocketNotificationError(string Code, string Message, bool Retryable);
