namespace Notify.WebSocket;

/// <summary>A failed query or connection, carrying one of the <see cref="WebSocketErrorCodes"/>.</summary>
public class WebSocketNotificationException : Exception
{
    /// <summary>Creates an exception with <see cref="WebSocketErrorCodes.Error"/>.</summary>
    public WebSocketNotificationException()
        : this(WebSocketErrorCodes.Error, "WebSocket error.", retryable: false)
    {
    }

    /// <summary>Creates an exception with <see cref="WebSocketErrorCodes.Error"/>.</summary>
    /// <param name="message">The explanation.</param>
    public WebSocketNotificationException(string message)
        : this(WebSocketErrorCodes.Error, message, retryable: false)
    {
    }

    /// <summary>Creates an exception with <see cref="WebSocketErrorCodes.Error"/>.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The cause.</param>
    public WebSocketNotificationException(string message, Exception? innerException)
        : this(WebSocketErrorCodes.Error, message, retryable: false, innerException)
    {
    }

    /// <summary>Creates an exception.</summary>
    /// <param name="code">One of <see cref="WebSocketErrorCodes"/>.</param>
    /// <param name="message">The explanation (must not contain secrets).</param>
    /// <param name="retryable">Whether trying again later may succeed.</param>
    /// <param name="innerException">The cause.</param>
    public WebSocketNotificationException(string code, string message, bool retryable, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Retryable = retryable;
    }

    /// <summary>Creates an exception from an error.</summary>
    /// <param name="error">The error.</param>
    /// <param name="innerException">The cause.</param>
    public WebSocketNotificationException(WebSocketNotificationError error, Exception? innerException = null)
        : this(error?.Code ?? WebSocketErrorCodes.Error, error?.Message ?? "WebSocket error.", error?.Retryable ?? false, innerException)
    {
    }

    /// <summary>One of <see cref="WebSocketErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>Whether trying again later may succeed.</summary>
    public bool Retryable { get; }

    /// <summary>The error this exception carries.</summary>
    public WebSocketNotificationError Error => new(Code, Message, Retryable);
}
