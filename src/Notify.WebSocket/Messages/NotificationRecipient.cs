namespace Notify.WebSocket;

/// <summary>Who a notification is for: exactly one of a user or a channel.</summary>
public sealed record NotificationRecipient
{
    /// <summary>The user to notify on every connection they have open.</summary>
    public string? UserId { get; init; }

    /// <summary>The channel (room) to broadcast to.</summary>
    public string? Channel { get; init; }

    /// <summary>A recipient that is one user.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The recipient.</returns>
    public static NotificationRecipient ForUser(string userId) => new() { UserId = userId };

    /// <summary>A recipient that is every member of a channel.</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>The recipient.</returns>
    public static NotificationRecipient ForChannel(string channel) => new() { Channel = channel };
}
