namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>The Engine.IO v4 packet types, as the ASCII digit that starts a text packet.</summary>
internal static class EngineIoPacketType
{
    public const byte Open = (byte)'0';
    public const byte Close = (byte)'1';
    public const byte Ping = (byte)'2';
    public const byte Pong = (byte)'3';
    public const byte Message = (byte)'4';
    public const byte Upgrade = (byte)'5';
    public const byte Noop = (byte)'6';

    /// <summary>Starts a base64 binary packet in a long-polling payload.</summary>
    public const byte Base64Binary = (byte)'b';

    /// <summary>Separates packets in a long-polling payload.</summary>
    public const byte RecordSeparator = 0x1E;
}
