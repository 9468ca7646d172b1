namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>The error bodies of refused Engine.IO requests (HTTP 400, or 403), with the reference server's codes and messages.</summary>
internal static class EngineIoError
{
    public static readonly ReadOnlyMemory<byte> UnknownTransport = """{"code":0,"message":"Transport unknown"}"""u8.ToArray();
    public static readonly ReadOnlyMemory<byte> UnknownSid = """{"code":1,"message":"Session ID unknown"}"""u8.ToArray();
    public static readonly ReadOnlyMemory<byte> BadHandshakeMethod = """{"code":2,"message":"Bad handshake method"}"""u8.ToArray();
    public static readonly ReadOnlyMemory<byte> BadRequest = """{"code":3,"message":"Bad request"}"""u8.ToArray();
    public static readonly ReadOnlyMemory<byte> UnsupportedProtocolVersion = """{"code":5,"message":"Unsupported protocol version"}"""u8.ToArray();
}
