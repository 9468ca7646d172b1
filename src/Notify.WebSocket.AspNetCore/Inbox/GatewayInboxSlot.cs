namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// The gateway's inbox when <c>AddNotificationInbox</c> is on (null otherwise), for services that work with and without
/// it. It owns the inbox: the container disposes the slot it made, not the inbox made inside its factory.
/// </summary>
internal sealed record GatewayInboxSlot(GatewayInbox? Inbox) : IDisposable
{
    public void Dispose() => Inbox?.Dispose();
}
