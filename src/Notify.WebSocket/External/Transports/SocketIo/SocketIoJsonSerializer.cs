using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using SocketIOClient.JsonSerializer;

namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// Replaces SocketIOClient 3.0.6's serializer, which builds a new <see cref="JsonSerializerOptions"/> (and so loses
/// System.Text.Json's metadata cache) on every call: here one options instance serves every call. Binary
/// attachments still work: byte arrays become Socket.IO placeholders, collected per call in thread-local lists
/// (serialization is synchronous, so a call never spans threads).
/// </summary>
internal sealed class SocketIoJsonSerializer : IJsonSerializer
{
    public static readonly SocketIoJsonSerializer Instance = new();

    [ThreadStatic]
    private static List<byte[]>? t_attachments;

    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new AttachmentConverter() },
    };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = SocketIoTrimming.Suppressed)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = SocketIoTrimming.Suppressed)]
    public JsonSerializeResult Serialize(object[] data)
    {
        var attachments = t_attachments = [];
        try
        {
            return new JsonSerializeResult { Json = JsonSerializer.Serialize(data, _options), Bytes = attachments };
        }
        finally
        {
            t_attachments = null;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = SocketIoTrimming.Suppressed)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = SocketIoTrimming.Suppressed)]
    public T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, _options)!;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = SocketIoTrimming.Suppressed)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = SocketIoTrimming.Suppressed)]
    public T Deserialize<T>(string json, IList<byte[]> incomingBytes)
    {
        t_attachments = [.. incomingBytes];
        try
        {
            return JsonSerializer.Deserialize<T>(json, _options)!;
        }
        finally
        {
            t_attachments = null;
        }
    }

    /// <summary>The Socket.IO binary placeholder: <c>{ "_placeholder": true, "num": n }</c>.</summary>
    private sealed class AttachmentConverter : JsonConverter<byte[]>
    {
        public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetBytesFromBase64() : null;
            }

            int? num = null;
            var placeholder = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "_placeholder")
                {
                    placeholder = reader.TokenType == JsonTokenType.True;
                }
                else if (name == "num" && reader.TokenType == JsonTokenType.Number)
                {
                    num = reader.GetInt32();
                }
                else
                {
                    reader.Skip();
                }
            }

            return placeholder && num is { } n && t_attachments is { } bytes && n < bytes.Count ? bytes[n] : null;
        }

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
        {
            if (t_attachments is not { } attachments)
            {
                writer.WriteBase64StringValue(value);
                return;
            }

            attachments.Add(value);
            writer.WriteStartObject();
            writer.WriteBoolean("_placeholder", true);
            writer.WriteNumber("num", attachments.Count - 1);
            writer.WriteEndObject();
        }
    }
}
