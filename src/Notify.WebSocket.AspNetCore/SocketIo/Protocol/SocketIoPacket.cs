using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo.Protocol;

/// <summary>
/// A decoded Socket.IO packet from a client. <see cref="Data"/> is the parsed payload (owned by the packet: dispose it
/// when handled; without attachments it reads the receive buffer, so it is valid only while the packet is handled);
/// binary attachments stay as <c>{"_placeholder":true,"num":N}</c> objects in it and their bytes are in
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

    /// <summary>
    /// Whether every placeholder (<c>{"_placeholder":true,"num":N}</c>) names an attachment the packet has, as the
    /// reference parser requires before it puts the binaries in place.
    /// </summary>
    public bool PlaceholdersAreValid() => Data is null || PlaceholdersAreValid(Data.RootElement, AttachmentCount);

    public void Dispose() => Data?.Dispose();

    private static bool PlaceholdersAreValid(JsonElement element, int count)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!PlaceholdersAreValid(item, count))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                if (element.TryGetProperty("_placeholder"u8, out var flag) && flag.ValueKind == JsonValueKind.True)
                {
                    return element.TryGetProperty("num"u8, out var num) && num.TryGetInt32(out var index) && index >= 0 && index < count;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (!PlaceholdersAreValid(property.Value, count))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
