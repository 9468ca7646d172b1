using Microsoft.AspNetCore.Http;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>What runs on top of Engine.IO (the Socket.IO server, or a bare echo for the protocol's test suite).</summary>
internal interface IEngineIoHandler
{
    /// <summary>A session was opened by <paramref name="request"/> (the handshake request, before its response).</summary>
    ValueTask OnOpenAsync(EngineIoSession session, HttpContext request);

    /// <summary>A <c>message</c> packet: text (without its type digit), or binary.</summary>
    ValueTask OnMessageAsync(EngineIoSession session, ReadOnlyMemory<byte> data, bool isBinary);

    /// <summary>The session closed, once, whatever the reason.</summary>
    void OnClose(EngineIoSession session, string reason);
}
