using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo.Protocol;

/// <summary>
/// Decodes the text of a Socket.IO v5 packet (the Engine.IO message without its <c>4</c>):
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][JSON payload]</c>, and checks the payload
/// against the type as the protocol requires (CONNECT: an object or nothing; DISCONNECT: nothing; EVENT: a non-empty
/// array whose first element is the event name; ACK: an array). Anything else is refused with a fixed reason (a
/// metric tag, never client data); the caller closes the connection.
/// </summary>
internal static class SocketIoPacketParser
{
    /// <summary>The longest namespace accepted (the reference server has none; a name this long is not a namespace).</summary>
    public const int MaxNamespaceLength = 256;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private static readonly string[] ReservedEvents = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    public static bool TryParse(ReadOnlyMemory<byte> text, int maxAttachments, out SocketIoPacket? packet, out string error)
    {
        packet = null;
        var span = text.Span;
        if (span.IsEmpty || span[0] < '0' || span[0] > '6')
        {
            error = "unknown Socket.IO packet type";
            return false;
        }

        var type = (SocketIoPacketType)(span[0] - '0');
        var i = 1;
        var attachments = 0;
        if (type is SocketIoPacketType.BinaryEvent or SocketIoPacketType.BinaryAck)
        {
            var start = i;
            while (i < span.Length && IsDigit(span[i]) && i - start < 10)
            {
                attachments = (attachments * 10) + (span[i++] - '0');
            }

            if (i == start || i >= span.Length || span[i] != '-')
            {
                error = "invalid attachment count";
                return false;
            }

            i++;
            if (attachments > maxAttachments)
            {
                error = "too many binary attachments";
                return false;
            }
        }

        var nsp = "/";
        if (i < span.Length && span[i] == '/')
        {
            var start = i;
            while (i < span.Length && span[i] != ',')
            {
                i++;
            }

            if (i - start > MaxNamespaceLength)
            {
                error = "namespace too long";
                return false;
            }

            nsp = System.Text.Encoding.UTF8.GetString(span[start..i]);
            if (i < span.Length)
            {
                i++; // the comma
            }
        }

        long? id = null;
        if (i < span.Length && IsDigit(span[i]))
        {
            var start = i;
            long value = 0;
            while (i < span.Length && IsDigit(span[i]))
            {
                if (i - start >= 15)
                {
                    error = "invalid ack id";
                    return false;
                }

                value = (value * 10) + (span[i++] - '0');
            }

            id = value;
        }

        JsonDocument? data = null;
        if (i < span.Length)
        {
            try
            {
                // A packet with attachments outlives the receive buffer it came in (it waits for them): it gets a copy.
                data = attachments > 0 ? JsonDocument.Parse(text[i..].ToArray(), DocumentOptions) : JsonDocument.Parse(text[i..], DocumentOptions);
            }
            catch (JsonException)
            {
                error = "payload is not JSON";
                return false;
            }
        }

        if (!IsValidPayload(type, data?.RootElement, id))
        {
            data?.Dispose();
            error = "payload does not fit the packet type";
            return false;
        }

        packet = new SocketIoPacket(type, nsp, id, data, attachments);
        error = string.Empty;
        return true;
    }

    private static bool IsValidPayload(SocketIoPacketType type, JsonElement? payload, long? id) => type switch
    {
        SocketIoPacketType.Connect => id is null && (payload is null || payload.Value.ValueKind == JsonValueKind.Object),
        SocketIoPacketType.Disconnect => id is null && payload is null,
        SocketIoPacketType.Event or SocketIoPacketType.BinaryEvent => payload is { ValueKind: JsonValueKind.Array } array && IsEventName(array),
        SocketIoPacketType.Ack or SocketIoPacketType.BinaryAck => id is not null && payload is { ValueKind: JsonValueKind.Array },
        _ => false, // CONNECT_ERROR comes from servers only
    };

    private static bool IsEventName(JsonElement array)
    {
        if (array.GetArrayLength() == 0)
        {
            return false;
        }

        var first = array[0];
        return first.ValueKind == JsonValueKind.Number
            || (first.ValueKind == JsonValueKind.String && !ReservedEvents.Any(first.ValueEquals));
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
}
