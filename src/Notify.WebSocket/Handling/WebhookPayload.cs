using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Notify.WebSocket.Handling;

namespace Notify.WebSocket;

/// <summary>
/// The spec's webhook payload <c>{ event, data, timestamp, metadata, source: { provider, url, protocol } }</c>: the body
/// the callback strategy POSTs, which a strategy you add can hand its sink as it is (packages' strategies do).
/// <c>metadata</c> carries the message's own metadata plus <c>messageId</c> and <c>tenantId</c>;
/// <c>timestamp</c> is ISO-8601 UTC with milliseconds.
/// </summary>
public static class WebhookPayload
{
    /// <summary>The payload's media type: <c>application/json</c> (UTF-8).</summary>
    public const string ContentType = "application/json";

    /// <summary>The payload of <paramref name="message"/> as UTF-8 JSON.</summary>
    /// <param name="message">The incoming message.</param>
    /// <returns>
    /// The JSON, exactly as many bytes as written. It is written once per message and shared by every strategy (the
    /// spool stores the same bytes): treat the array as read-only.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public static byte[] Serialize(IncomingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Payload;
    }

    internal static byte[] Write(IncomingMessage message) => Utf8JsonBuffer.Write(message, Write);

    internal static void Write(Utf8JsonWriter writer, IncomingMessage message)
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
    internal static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static void WriteData(Utf8JsonWriter writer, JsonElement data)
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

    internal static string DataJson(JsonElement data) =>
        data.ValueKind == JsonValueKind.Undefined ? "null" : data.GetRawText();

    internal static string MetadataJson(IncomingMessage message)
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
