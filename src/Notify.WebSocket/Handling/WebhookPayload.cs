using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Notify.WebSocket.Handling;

/// <summary>
/// The spec's webhook payload <c>{ event, data, timestamp, metadata, source: { provider, url, protocol } }</c>, also the
/// value of a Kafka record. <c>metadata</c> carries the message's own metadata plus <c>messageId</c> and <c>tenantId</c>.
/// </summary>
internal static class WebhookPayload
{
    public const string ContentType = "application/json";

    public static byte[] Serialize(IncomingMessage message) => Utf8JsonBuffer.Write(message, Write);

    public static void Write(Utf8JsonWriter writer, IncomingMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("event", message.Event);
        writer.WritePropertyName("data");
        WriteData(writer, message.Data);
        writer.WriteString("timestamp", FormatTimestamp(message.Timestamp));
        writer.WriteStartObject("metadata");
        foreach (var (key, value) in message.Metadata)
        {
            if (key is not ("messageId" or "tenantId"))
            {
                writer.WriteString(key, value);
            }
        }

        writer.WriteString("messageId", message.Id);
        writer.WriteString("tenantId", message.TenantId);
        writer.WriteEndObject();
        writer.WriteStartObject("source");
        writer.WriteString("provider", message.Source.Provider);
        writer.WriteString("url", message.Source.Url);
        writer.WriteString("protocol", message.Source.Protocol);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>ISO-8601 in UTC with milliseconds, as the spec shows: <c>2025-01-08T19:00:00.000Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static void WriteData(Utf8JsonWriter writer, JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            data.WriteTo(writer);
        }
    }

    public static string DataJson(JsonElement data) =>
        data.ValueKind == JsonValueKind.Undefined ? "null" : data.GetRawText();

    public static string MetadataJson(IncomingMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in message.Metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
