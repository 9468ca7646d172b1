using System.Text.Json;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// Writes the gateway's event bodies as JSON without reflection: the notification
/// (<c>{ id, subject, body, htmlBody?, data?, recipient, timestamp, stream?, position? }</c>), <c>{ channelName }</c> and
/// <c>{ message, code, channelName? }</c> by hand, the inbox's replay ends and changes by its source-generated context; the notification's <c>data</c> (and any other body) through
/// <see cref="JsonSerializerOptions.GetTypeInfo(Type)"/> of the library's payload options
/// (<see cref="WebSocketNotificationsJsonOptions.PayloadSerializerOptions"/>, set with <c>.ConfigureJson</c>), so a
/// Native AOT host supplies its types through their resolver chain. A type no resolver knows fails the send with
/// <see cref="WebSocketErrorCodes.SerializationError"/>, as the core's own sends do.
/// </summary>
internal static class GatewayPayloadJson
{
    public static void Write(Utf8JsonWriter writer, object payload, JsonSerializerOptions options)
    {
        switch (payload)
        {
            case NotificationPayload notification:
                WriteNotification(writer, notification, options);
                break;
            case ChannelEvent channel:
                writer.WriteStartObject();
                writer.WriteString("channelName"u8, channel.ChannelName);
                writer.WriteEndObject();
                break;
            case GatewayError error:
                WriteError(writer, error);
                break;
            case StreamReplay replay:
                JsonSerializer.Serialize(writer, replay, Inbox.InboxJsonContext.Default.StreamReplay);
                break;
            case InboxChange change:
                JsonSerializer.Serialize(writer, change, Inbox.InboxJsonContext.Default.InboxChange);
                break;
            default:
                WriteValue(writer, payload, options, "event body");
                break;
        }
    }

    public static void WriteError(Utf8JsonWriter writer, GatewayError error)
    {
        writer.WriteStartObject();
        writer.WriteString("message"u8, error.Message);
        writer.WriteString("code"u8, error.Code);
        if (error.ChannelName is not null)
        {
            writer.WriteString("channelName"u8, error.ChannelName);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object value, JsonSerializerOptions options, string what)
    {
        try
        {
            JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw new WebSocketNotificationException(
                WebSocketErrorCodes.SerializationError,
                $"The {what} ({value.GetType()}) cannot be serialized with PayloadSerializerOptions: {ex.Message} Under trimming or Native AOT, add the type to a JsonSerializerContext and insert it with .ConfigureJson(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, YourJsonContext.Default)).",
                retryable: false,
                ex);
        }
    }

    private static void WriteNotification(Utf8JsonWriter writer, NotificationPayload payload, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, payload.Id);
        writer.WriteString("subject"u8, payload.Subject);
        writer.WriteString("body"u8, payload.Body);
        if (payload.HtmlBody is not null)
        {
            writer.WriteString("htmlBody"u8, payload.HtmlBody);
        }

        if (payload.Data is { } data)
        {
            writer.WritePropertyName("data"u8);
            WriteValue(writer, data, options, "notification data");
        }

        writer.WriteStartObject("recipient"u8);
        if (payload.Recipient.UserId is not null)
        {
            writer.WriteString("userId"u8, payload.Recipient.UserId);
        }

        if (payload.Recipient.Channel is not null)
        {
            writer.WriteString("channel"u8, payload.Recipient.Channel);
        }

        writer.WriteEndObject();
        writer.WriteString("timestamp"u8, payload.Timestamp.UtcDateTime);

        // With the inbox: where it is stored, for the client to give back when it reconnects.
        if (payload.Stream is not null)
        {
            writer.WriteString("stream"u8, payload.Stream);
        }

        if (payload.Position is { } position)
        {
            writer.WriteNumber("position"u8, position);
        }

        writer.WriteEndObject();
    }
}
