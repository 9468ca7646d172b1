using System.Text.Json.Serialization;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>The body of <c>GET {inbox}/unread-count</c>.</summary>
internal sealed record InboxUnreadCount([property: JsonPropertyName("unreadCount")] long UnreadCount);
