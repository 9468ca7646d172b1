using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// An event from a client: its name, its arguments (after the name, as JSON, binary arguments as
/// <c>{"_placeholder":true,"num":N}</c>) with the attachments' bytes, and the ack id when the client waits for an answer.
/// </summary>
internal readonly struct SocketIoEvent(JsonElement payload, IReadOnlyList<ReadOnlyMemory<byte>> attachments, long? ackId)
{
    /// <summary>The event name (the reference server also allows numbers: given as their text; a name that is no text, as its JSON).</summary>
    public string Name => AspNetCore.Gateway.JsonText.TryGetString(payload[0], out var name) ? name : payload[0].GetRawText();

    /// <summary>Whether the event is named <paramref name="name"/> (without allocating).</summary>
    public bool Is(string name) => payload[0].ValueKind == JsonValueKind.String && payload[0].ValueEquals(name);

    /// <summary>The whole payload array, the name first.</summary>
    public JsonElement Payload => payload;

    /// <summary>The arguments after the name.</summary>
    public IEnumerable<JsonElement> Arguments => payload.EnumerateArray().Skip(1);

    /// <summary>The first argument, if any.</summary>
    public JsonElement? FirstArgument => payload.GetArrayLength() > 1 ? payload[1] : null;

    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments => attachments;

    public long? AckId => ackId;
}
