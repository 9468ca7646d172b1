namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>
/// One Engine.IO packet on its way out: a text packet with its type digit (for example <c>42["a"]</c> or <c>2</c>), or
/// the raw bytes of a binary message. Immutable, so one broadcast frame is shared by every member's session.
/// </summary>
internal readonly record struct EngineFrame(ReadOnlyMemory<byte> Data, bool IsBinary)
{
    public static readonly EngineFrame Ping = Text("2"u8.ToArray());
    public static readonly EngineFrame Pong = Text("3"u8.ToArray());
    public static readonly EngineFrame ProbePong = Text("3probe"u8.ToArray());
    public static readonly EngineFrame Noop = Text("6"u8.ToArray());
    public static readonly EngineFrame Close = Text("1"u8.ToArray());

    public static EngineFrame Text(ReadOnlyMemory<byte> packet) => new(packet, IsBinary: false);

    public static EngineFrame Binary(ReadOnlyMemory<byte> bytes) => new(bytes, IsBinary: true);
}
