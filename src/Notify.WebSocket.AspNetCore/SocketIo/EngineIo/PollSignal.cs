namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>What ends a waiting long-polling GET.</summary>
internal enum PollSignal
{
    /// <summary>Packets are waiting: send them.</summary>
    Packets,

    /// <summary>An upgrade or the client's own close: answer <c>6</c> (noop).</summary>
    Noop,

    /// <summary>The server closed the session: answer <c>1</c> (close).</summary>
    Close,
}
