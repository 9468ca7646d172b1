using System.Buffers;
using System.Text.Json;

namespace Notify.WebSocket.External;

/// <summary>
/// Writes notification data straight to UTF-8 with a reused writer per thread: one exact-size array per message is
/// the only allocation (besides what user data needs). Host values go through the configured
/// <see cref="WebSocketNotificationsJsonOptions.PayloadSerializerOptions"/> (no reflection of its own, so AOT-safe); a
/// value they cannot serialize throws <see cref="WebSocketNotificationException"/> with
/// <see cref="WebSocketErrorCodes.SerializationError"/>.
/// </summary>
internal static class PayloadSerializer
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The notification payload; for a channel send it also carries the room field (<c>_room</c>).</summary>
    public static byte[] Notification(string id, NotificationRecipient recipient, NotificationContent content, DateTimeOffset timestamp, string? roomField, JsonSerializerOptions json)
    {
        var writer = Rent(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("subject"u8, content.Subject);
        writer.WriteString("body"u8, content.Body);
        if (content.HtmlBody is not null)
        {
            writer.WriteString("htmlBody"u8, content.HtmlBody);
        }

        if (content.Data is not null)
        {
            writer.WritePropertyName("data"u8);
            WriteValue(writer, content.Data, json, "notification's data");
        }

        writer.WriteStartObject("recipient"u8);
        if (recipient.UserId is not null)
        {
            writer.WriteString("userId"u8, recipient.UserId);
        }

        if (recipient.Channel is not null)
        {
            writer.WriteString("channel"u8, recipient.Channel);
        }

        writer.WriteEndObject();
        writer.WriteString("timestamp"u8, timestamp.UtcDateTime);
        if (roomField is not null && recipient.Channel is not null)
        {
            writer.WriteString(roomField, recipient.Channel);
        }

        writer.WriteEndObject();
        return Finish(writer, buffer);
    }

    /// <summary>Any value as JSON (query data).</summary>
    public static byte[] Value(object? value, JsonSerializerOptions json)
    {
        var writer = Rent(out var buffer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteValue(writer, value, json, "query's data");
        }

        return Finish(writer, buffer);
    }

    /// <summary>The data of a join or leave: <c>{ "room": "alerts" }</c>.</summary>
    public static byte[] Room(WebSocketProviderOptions options, string channel)
    {
        var writer = Rent(out var buffer);
        writer.WriteStartObject();
        writer.WriteString(options.Envelope.RoomParameter, channel);
        writer.WriteEndObject();
        return Finish(writer, buffer);
    }

    private static void WriteValue(Utf8JsonWriter writer, object value, JsonSerializerOptions json, string what)
    {
        try
        {
            JsonSerializer.Serialize(writer, value, json.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw SerializationFailed(value.GetType(), what, ex);
        }
    }

    /// <summary>What to do when a host type cannot be (de)serialized, above all under Native AOT (no reflection).</summary>
    public static WebSocketNotificationException SerializationFailed(Type type, string what, Exception exception) => new(
        WebSocketErrorCodes.SerializationError,
        $"The {what} ({type}) cannot be serialized with PayloadSerializerOptions: {exception.Message} Under trimming or Native AOT, add the type to a JsonSerializerContext and insert it with .ConfigureJson(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, YourJsonContext.Default)) on the builder AddWebSocketNotifications returns.",
        retryable: false,
        exception);

    private static Utf8JsonWriter Rent(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false });
        writer.Reset(buffer);
        return writer;
    }

    private static byte[] Finish(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
