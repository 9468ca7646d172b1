namespace Notify.WebSocket.External;

internal enum OutgoingKind : byte
{
    Event,
    Query,
    Join,
    Leave,

    /// <summary>Our acknowledgment of an event the server sent (native ws only).</summary>
    Ack,
}
