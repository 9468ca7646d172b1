using System.Text.Json;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

internal static class Messages
{
    public static IncomingMessage Create(string id, string @event = "message:received", string tenantId = "tenant-7", string data = """{"text":"hello","n":1}""") => new()
    {
        Id = id,
        Event = @event,
        Data = JsonDocument.Parse(data).RootElement.Clone(),
        Timestamp = new DateTimeOffset(2025, 1, 8, 19, 0, 0, 123, TimeSpan.Zero),
        TenantId = tenantId,
        Source = new MessageSource { Url = "wss://external-service.com/ws", Protocol = "ws" },
        Metadata = new Dictionary<string, string> { ["serverTimestamp"] = "2025-01-08T18:59:59.000Z" },
    };
}
