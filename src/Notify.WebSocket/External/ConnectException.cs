namespace Notify.WebSocket.External;

/// <summary>A failed open, with whether trying again can help (a refused credential cannot).</summary>
internal sealed class ConnectException : Exception
{
    public ConnectException()
    {
        Error = new WebSocketNotificationError(WebSocketErrorCodes.ConnectionError, "WebSocket connection failed.", Retryable: true);
    }

    public ConnectException(string message)
        : base(message)
    {
        Error = new WebSocketNotificationError(WebSocketErrorCodes.ConnectionError, message, Retryable: true);
    }

    public ConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new WebSocketNotificationError(WebSocketErrorCodes.ConnectionError, message, Retryable: true);
    }

    public ConnectException(WebSocketNotificationError error, Exception? innerException = null)
        : base(error?.Message, innerException)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    public WebSocketNotificationError Error { get; }
}
