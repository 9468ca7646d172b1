using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo.Protocol;

/// <summary>
/// A decoded Socket.IO packet from a client. <see cref="Data"/> is the parsed payload (owned by the packet: dispose it
/// when handled); binary attachments stay as <c>{"_placeholder":true,"num":N}</c> objects in it and their bytes are in
/// <see cref="Attachments"/>.
/// </summary>
internal sealed class SocketIoPacket(SocketIoPacketType type, string @namespace, long? id, JsonDocument? data, int attachmentCount) : IDisposable
{
    public SocketIoPacketType Type { get; } = type;

    public string Namespace { get; } = @namespace;

    public long? Id { get; } = id;

    public JsonDocument? Data { get; } = data;

    /// <summary>How many binary attachments follow the packet (BINARY_EVENT, BINARY_ACK).</summary>
    public int AttachmentCount { get; } = attachmentCount;

    public List<ReadOnlyMemory<byte>> Attachments { get; } = attachmentCount == 0 ? [] : new(attachmentCount);

    public bool IsComplete => Attachments.Count == AttachmentCount;

    public void Dispose() => Data?.Dispose();
}
