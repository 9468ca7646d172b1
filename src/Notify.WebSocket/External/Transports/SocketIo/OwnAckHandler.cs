namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>Offered every ACK packet before the library sees it; returns true when the ack belongs to a packet we wrote.</summary>
internal delegate bool OwnAckHandler(int ackId, ReadOnlySpan<byte> arguments);
