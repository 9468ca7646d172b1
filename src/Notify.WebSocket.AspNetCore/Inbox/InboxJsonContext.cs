using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>Source-generated JSON of the inbox's wire types (HTTP endpoints and the Redis backplane): no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NotificationPayload))]
[JsonSerializable(typeof(InboxChange))]
[JsonSerializable(typeof(StreamReplay))]
[JsonSerializable(typeof(InboxPage))]
[JsonSerializable(typeof(InboxUnreadCount))]
[JsonSerializable(typeof(Gateway.GatewayError))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class InboxJsonContext : JsonSerializerContext;
