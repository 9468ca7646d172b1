namespace Notify.WebSocket.Inbox;

/// <summary>Marks that the host registered its own <see cref="Storage.INotificationStore"/> before <c>AddNotificationInbox</c>: the database options are then not used.</summary>
internal sealed class CustomInboxStore;
