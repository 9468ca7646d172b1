using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
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

    // SignalR's JSON protocol writes with this encoder: bytes written with it here are the ones its writes reuse.
    private static readonly JsonWriterOptions HubWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly NotificationPayload _notification;
    private Written? _written;

    private SerializedNotification(NotificationPayload notification) => _notification = notification;

    /// <summary>The one wrapper of this notification instance (the fan-out offers the same instance to every follower).</summary>
    public static SerializedNotification For(NotificationPayload notification) =>
        Shared.GetValue(notification, static n => new SerializedNotification(n));

    /// <summary>Writes the JSON now, as the hub will (see <see cref="NotificationHubClients.Prepared"/>).</summary>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.SerializationError"/>.</exception>
    public SerializedNotification Prepare(JsonSerializerOptions options)
    {
        try
        {
            Json(Resolving(options), HubWriterOptions);
            return this;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw NotSerializable(_notification, ex);
        }
    }

    /// <summary>Whether the options can write the notification (for a hub whose writes cannot reuse these bytes).</summary>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.SerializationError"/>.</exception>
    public static void Check(NotificationPayload notification, JsonSerializerOptions options)
    {
        try
        {
            JsonSerializer.SerializeToUtf8Bytes(notification, Resolving(options).GetTypeInfo(typeof(NotificationPayload)));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw NotSerializable(notification, ex);
        }
    }

    /// <summary>
    /// SignalR's default payload options get their (reflection) resolver at their first write; a send prepared before
    /// any connection was written to fills it in the same way, where reflection is on.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only when reflection-based serialization is enabled, which is what SignalR's own first write does with these options.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only when reflection-based serialization is enabled, which is what SignalR's own first write does with these options.")]
    private static JsonSerializerOptions Resolving(JsonSerializerOptions options)
    {
        if (options.TypeInfoResolver is null && JsonSerializer.IsReflectionEnabledByDefault && !options.IsReadOnly)
        {
            options.MakeReadOnly(populateMissingResolver: true);
        }

        return options;
    }

    private static WebSocketNotificationException NotSerializable(NotificationPayload notification, Exception exception) => new(
        WebSocketErrorCodes.SerializationError,
        $"The notification's data ({notification.Data?.GetType().ToString() ?? "null"}) cannot be serialized with the SignalR hub's PayloadSerializerOptions: {exception.Message} Give it a type the options can write; under trimming or Native AOT, add the type to a JsonSerializerContext and insert it with .AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, YourJsonContext.Default)).",
        retryable: false,
        exception);

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
