using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>A client's acknowledgment of a server event: its arguments (an array) and binary attachments.</summary>
internal sealed record SocketIoAck(JsonElement Arguments, IReadOnlyList<ReadOnlyMemory<byte>> Attachments);
