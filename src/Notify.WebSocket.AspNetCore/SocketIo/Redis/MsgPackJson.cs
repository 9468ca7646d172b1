using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo.Redis;

/// <summary>
/// Converts between the JSON of Socket.IO packets and the MessagePack of the Redis adapter. MessagePack binary becomes a
/// Socket.IO binary attachment (its placeholder in the JSON, its bytes beside it), timestamps become ISO-8601 strings
/// (what <c>Date.toJSON</c> gives), other extensions (<c>undefined</c>) become null, non-finite floats null, as
/// <c>JSON.stringify</c> does.
/// </summary>
internal static class MsgPackJson
{
    public static void ToJson(ref MsgPackReader reader, Utf8JsonWriter writer, List<ReadOnlyMemory<byte>> attachments, int depth = 0)
    {
        if (depth > MsgPackReader.MaxDepth)
        {
            throw new FormatException("MessagePack: nested too deeply.");
        }

        switch (reader.PeekType())
        {
            case MsgPackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            case MsgPackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MsgPackType.Integer:
                writer.WriteNumberValue(reader.ReadInteger());
                break;
            case MsgPackType.Float:
                var number = reader.ReadFloat();
                if (double.IsFinite(number))
                {
                    writer.WriteNumberValue(number);
                }
                else
                {
                    writer.WriteNullValue();
                }

                break;
            case MsgPackType.String:
                WriteString(writer, reader.ReadStringBytes(), propertyName: false);
                break;
            case MsgPackType.Binary:
                SocketIoSocket.WritePlaceholder(writer, attachments.Count);
                attachments.Add(reader.ReadBinary().ToArray());
                break;
            case MsgPackType.Extension:
                if (reader.ReadExtension(out var data) == -1)
                {
                    writer.WriteStringValue(MsgPackReader.Timestamp(data).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteNullValue();
                }

                break;
            case MsgPackType.Array:
                writer.WriteStartArray();
                for (var i = reader.ReadArrayHeader(); i > 0; i--)
                {
                    ToJson(ref reader, writer, attachments, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                for (var i = reader.ReadMapHeader(); i > 0; i--)
                {
                    if (reader.PeekType() != MsgPackType.String)
                    {
                        throw new FormatException("MessagePack: a map key that is not a string has no JSON form.");
                    }

                    WriteString(writer, reader.ReadStringBytes(), propertyName: true);
                    ToJson(ref reader, writer, attachments, depth + 1);
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>Writes a JSON value as MessagePack (numbers: integers when integral, else float64, as notepack.io).</summary>
    public static void FromJson(JsonElement element, MsgPackWriter writer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in element.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in element.EnumerateObject())
                {
                    writer.WriteString(property.Name);
                    FromJson(property.Value, writer);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    FromJson(item, writer);
                }

                break;
            case JsonValueKind.String:
                writer.WriteString(element.GetString()!);
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                {
                    writer.WriteInteger(integer);
                }
                else
                {
                    writer.WriteDouble(element.GetDouble());
                }

                break;
            case JsonValueKind.True:
                writer.WriteBoolean(true);
                break;
            case JsonValueKind.False:
                writer.WriteBoolean(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    private static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8, bool propertyName)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw new FormatException("MessagePack: a string is not valid UTF-8.");
        }

        try
        {
            if (propertyName)
            {
                writer.WritePropertyName(utf8);
            }
            else
            {
                writer.WriteStringValue(utf8);
            }
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("MessagePack: a string is not valid UTF-8.", ex);
        }
    }
}
