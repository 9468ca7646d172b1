namespace Notify.WebSocket;

/// <summary>The wire protocol of an external server (<c>protocol</c> in configuration).</summary>
public enum WebSocketProtocol
{
    /// <summary><c>"ws"</c>: a native WebSocket server speaking the JSON envelope.</summary>
    Ws = 0,

    /// <summary><c>"socketio"</c>: a Socket.IO (v4) server.</summary>
    SocketIo = 1,
}
