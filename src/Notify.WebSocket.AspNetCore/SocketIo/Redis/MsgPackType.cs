namespace Notify.WebSocket.AspNetCore.SocketIo.Redis;

/// <summary>The kinds of MessagePack values (the specification's type system).</summary>
internal enum MsgPackType
{
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
