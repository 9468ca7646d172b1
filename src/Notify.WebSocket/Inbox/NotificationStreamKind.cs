namespace Notify.WebSocket;

/// <summary>What a <see cref="NotificationStreamId"/> belongs to.</summary>
public enum NotificationStreamKind
{
    /// <summary>One user's notifications (sent to the user, reaching every device).</summary>
    User,

    /// <summary>One channel's broadcasts (reaching its members).</summary>
    Channel,
}
