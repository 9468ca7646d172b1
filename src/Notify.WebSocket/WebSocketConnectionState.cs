namespace Notify.WebSocket;

/// <summary>The state of a provider's connection.</summary>
public enum WebSocketConnectionState
{
    /// <summary>Not connected, and not trying to connect.</summary>
    Disconnected = 0,

    /// <summary>Opening the first connection.</summary>
    Connecting = 1,

    /// <summary>Connected and able to send.</summary>
    Connected = 2,

    /// <summary>The connection dropped; reconnecting with backoff. Sends wait in the queue.</summary>
    Reconnecting = 3,

    /// <summary>Gave up: reconnection attempts are exhausted or the server refused the credentials.</summary>
    Failed = 4,

    /// <summary>The provider was disposed.</summary>
    Disposed = 5,
}
