namespace Notify.WebSocket.External;

internal enum OutgoingKind : byte
{
    Event,
    Query,
    Join,
    Leave,
}
