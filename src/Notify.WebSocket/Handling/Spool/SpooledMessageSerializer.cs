using System.Text.Json;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// The spool stores a message as its webhook payload (<see cref="WebhookPayload"/>), the bytes the strategies send, so
/// it is serialized once; reading it back gives the same message: the id and tenant come from <c>metadata</c>.
/// </summary>
internal static class SpooledMessageSerializer
{
    public static ReadOnlyMemory<byte> Serialize(IncomingMessage message) => message.Payload;

    public static IncomingMessage Deserialize(ReadOnlyMemory<byte> payload)
    {
        var reader = new Utf8JsonReader(payload.Span);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var source = root.GetProperty("source");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string? id = null;
        string? tenantId = null;
        foreach (var property in root.GetProperty("metadata").EnumerateObject())
        {
            switch (property.Name)
            {
                case "messageId":
                    id = property.Value.GetString();
                    break;
                case "tenantId":
                    tenantId = property.Value.GetString();
                    break;
                default:
                    metadata[property.Name] = property.Value.GetString() ?? string.Empty;
                    break;
            }
        }

        var data = root.GetProperty("data");
        return new IncomingMessage
        {
            Id = id ?? throw new JsonException("A spooled message has no metadata.messageId."),
            Event = root.GetProperty("event").GetString()!,
            Data = data.ValueKind == JsonValueKind.Null ? default : data.Clone(),
            Timestamp = root.GetProperty("timestamp").GetDateTimeOffset(),
            TenantId = tenantId ?? string.Empty,
            Source = new MessageSource
            {
                Provider = source.GetProperty("provider").GetString()!,
                Url = source.GetProperty("url").GetString()!,
                Protocol = source.GetProperty("protocol").GetString()!,
            },
            Metadata = metadata,
            CachedPayload = payload.ToArray(),
        };
    }
}
