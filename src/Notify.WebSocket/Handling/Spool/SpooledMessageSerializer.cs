using System.Text.Json;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>The whole <see cref="IncomingMessage"/> as JSON, so a restarted process hands strategies the same message.</summary>
internal static class SpooledMessageSerializer
{
    /// <summary>The message as UTF-8 JSON (the spool binds it as text without a round trip through a string).</summary>
    public static byte[] Serialize(IncomingMessage message) => Utf8JsonBuffer.Write(message, Write);

    private static void Write(Utf8JsonWriter writer, IncomingMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        writer.WriteString("event", message.Event);
        writer.WritePropertyName("data");
        WebhookPayload.WriteData(writer, message.Data);
        writer.WriteString("timestamp", message.Timestamp);
        writer.WriteString("tenantId", message.TenantId);
        writer.WriteStartObject("source");
        writer.WriteString("provider", message.Source.Provider);
        writer.WriteString("url", message.Source.Url);
        writer.WriteString("protocol", message.Source.Protocol);
        writer.WriteEndObject();
        writer.WriteStartObject("metadata");
        foreach (var (key, value) in message.Metadata)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static IncomingMessage Deserialize(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var source = root.GetProperty("source");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("metadata").EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        var data = root.GetProperty("data");
        return new IncomingMessage
        {
            Id = root.GetProperty("id").GetString()!,
            Event = root.GetProperty("event").GetString()!,
            Data = data.ValueKind == JsonValueKind.Null ? default : data.Clone(),
            Timestamp = root.GetProperty("timestamp").GetDateTimeOffset(),
            TenantId = root.GetProperty("tenantId").GetString()!,
            Source = new MessageSource
            {
                Provider = source.GetProperty("provider").GetString()!,
                Url = source.GetProperty("url").GetString()!,
                Protocol = source.GetProperty("protocol").GetString()!,
            },
            Metadata = metadata,
        };
    }
}
