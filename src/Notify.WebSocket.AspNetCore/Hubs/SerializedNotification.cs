using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>
/// A notification sent to many connections one by one (the inbox's fan-out writes each connection's queue): SignalR
/// serializes what a single connection is sent for that connection alone, so this wrapper writes the notification's
/// JSON once, the first time, and copies it for every other connection. Only used when the hub speaks JSON alone.
/// </summary>
[JsonConverter(typeof(Converter))]
internal sealed class SerializedNotification
{
    private static readonly ConditionalWeakTable<NotificationPayload, SerializedNotification> Shared = [];

    private readonly NotificationPayload _notification;
    private Written? _written;

    private SerializedNotification(NotificationPayload notification) => _notification = notification;

    /// <summary>The one wrapper of this notification instance (the fan-out offers the same instance to every follower).</summary>
    public static SerializedNotification For(NotificationPayload notification) =>
        Shared.GetValue(notification, static n => new SerializedNotification(n));

    /// <summary>The notification as the writer would write it with these options (one protocol: always the same options).</summary>
    private byte[] Json(JsonSerializerOptions options, JsonWriterOptions writerOptions)
    {
        if (Volatile.Read(ref _written) is { } written && ReferenceEquals(written.Options, options)
            && written.WriterOptions.Indented == writerOptions.Indented && ReferenceEquals(written.WriterOptions.Encoder, writerOptions.Encoder))
        {
            return written.Json;
        }

        // Two connections may both write it first: the same bytes either way.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, writerOptions))
        {
            JsonSerializer.Serialize(writer, _notification, options.GetTypeInfo(typeof(NotificationPayload)));
        }

        var json = buffer.WrittenSpan.ToArray();
        Volatile.Write(ref _written, new Written(options, writerOptions, json));
        return json;
    }

    private sealed record Written(JsonSerializerOptions Options, JsonWriterOptions WriterOptions, byte[] Json);

    private sealed class Converter : JsonConverter<SerializedNotification>
    {
        public override SerializedNotification Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A serialized notification is only ever written.");

        public override void Write(Utf8JsonWriter writer, SerializedNotification value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Json(options, writer.Options), skipInputValidation: true);
    }
}
