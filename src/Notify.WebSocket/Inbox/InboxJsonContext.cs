using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.WebSocket.Inbox;

/// <summary>Source-generated metadata for reading stored notifications back (their data becomes a <see cref="JsonElement"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationPayload))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class InboxJsonContext : JsonSerializerContext;
