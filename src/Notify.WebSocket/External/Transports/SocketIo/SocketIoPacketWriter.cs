using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Notify.WebSocket.Serialization;

namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// Writes Socket.IO v5 EVENT packets inside Engine.IO v4 message packets, straight to UTF-8:
/// <c>42[/nsp,][ackId]["event",data]</c>. Used on the websocket transport instead of SocketIOClient's emit, which
/// builds several strings per message.
/// </summary>
internal static class SocketIoPacketWriter
{
    /// <summary>Configured event names repeat; query names come from callers and may not, so the cache stops growing at a bound.</summary>
    private const int MaxCachedEventNames = 1024;

    private static readonly ConcurrentDictionary<string, byte[]> EncodedEventNames = new(StringComparer.Ordinal);

    public static void WriteEvent(ArrayBufferWriter<byte> buffer, string? @namespace, int? ackId, string eventName, ReadOnlySpan<byte> data)
    {
        Append(buffer, "42"u8);
        if (!string.IsNullOrEmpty(@namespace) && @namespace != "/")
        {
            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(@namespace.Length) + 1);
            var written = Encoding.UTF8.GetBytes(@namespace, span);
            span[written] = (byte)',';
            buffer.Advance(written + 1);
        }

        if (ackId is { } id)
        {
            Utf8Formatter.TryFormat(id, buffer.GetSpan(11), out var digits);
            buffer.Advance(digits);
        }

        Append(buffer, "["u8);
        Append(buffer, EncodedName(eventName));
        Append(buffer, ","u8);
        Append(buffer, data);
        Append(buffer, "]"u8);
    }

    /// <summary>
    /// Reads the header of an ACK packet (<c>43[/nsp,]id[...]</c>) from the raw frame: its id and where its argument
    /// array starts. False for anything else, which then goes to the library as usual.
    /// </summary>
    public static bool TryReadAckHeader(ReadOnlySpan<byte> frame, out int id, out int argumentsStart)
    {
        id = 0;
        argumentsStart = 0;
        if (frame.Length < 4 || frame[0] != (byte)'4' || frame[1] != (byte)'3')
        {
            return false;
        }

        var i = 2;
        if (frame[i] == (byte)'/')
        {
            var comma = frame[i..].IndexOf((byte)',');
            if (comma < 0)
            {
                return false;
            }

            i += comma + 1;
        }

        if (!Utf8Parser.TryParse(frame[i..], out id, out var digits) || digits == 0)
        {
            return false;
        }

        argumentsStart = i + digits;
        return argumentsStart < frame.Length && frame[argumentsStart] == (byte)'[';
    }

    /// <summary>The first element of an ACK's argument array (the response to a query).</summary>
    public static JsonElement FirstArgument(ReadOnlySpan<byte> arguments)
    {
        var reader = new Utf8JsonReader(arguments);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return default;
        }

        return JsonElement.ParseValue(ref reader);
    }

    private static byte[] EncodedName(string eventName)
    {
        if (EncodedEventNames.TryGetValue(eventName, out var encoded))
        {
            return encoded;
        }

        encoded = JsonSerializer.SerializeToUtf8Bytes(eventName, NotifyJsonContext.Default.String);
        if (EncodedEventNames.Count < MaxCachedEventNames)
        {
            EncodedEventNames.TryAdd(eventName, encoded);
        }

        return encoded;
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}
