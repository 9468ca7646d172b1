namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>The gateway's inbox when <c>AddNotificationInbox</c> is on (null otherwise), for services that work with and without it.</summary>
internal sealed record GatewayInboxSlot(GatewayInbox? Inbox);
