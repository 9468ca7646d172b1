namespace Notify.WebSocket.AspNetCore.SocketIo.Protocol;

/// <summary>The Socket.IO v5 packet types.</summary>
internal enum SocketIoPacketType
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
}
