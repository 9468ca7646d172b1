namespace Notify.WebSocket;

/// <summary>How a provider delivers notifications (<c>mode</c> in configuration).</summary>
public enum WebSocketMode
{
    /// <summary><c>"internal"</c>: push to users and channels connected to the host's own gateway.</summary>
    Internal = 0,

    /// <summary><c>"external"</c>: act as a client of an external native WebSocket or Socket.IO server.</summary>
    External = 1,
}
