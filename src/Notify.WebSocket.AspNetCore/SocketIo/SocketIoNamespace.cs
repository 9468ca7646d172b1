using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// A namespace's behaviour: who may connect, what its events do. Its rooms are kept here on this instance. A connect
/// handler must end with <see cref="SocketIoSocket.Accept"/> or <see cref="SocketIoSocket.Refuse"/>.
/// </summary>
internal abstract class SocketIoNamespace(string name)
{
    public string Name { get; } = name;

    public SocketIoRooms Rooms { get; } = new();

    /// <summary>A client asks to connect, with the CONNECT packet's payload (the handshake's <c>auth</c>), if any.</summary>
    public abstract ValueTask OnConnectAsync(SocketIoSocket socket, JsonElement? auth);

    /// <summary>An event from a connected socket (its payload is disposed after the call returns).</summary>
    public abstract ValueTask OnEventAsync(SocketIoSocket socket, SocketIoEvent message);

    /// <summary>The socket left the namespace (its own DISCONNECT, the server's, or the connection closed).</summary>
    public virtual ValueTask OnDisconnectAsync(SocketIoSocket socket, string reason) => ValueTask.CompletedTask;
}
