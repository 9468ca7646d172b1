namespace Notify.WebSocket;

/// <summary>A notification to send: its recipient and content.</summary>
public sealed record NotificationMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="recipient">Who it is for.</param>
    /// <param name="content">What it says.</param>
    public NotificationMessage(NotificationRecipient recipient, NotificationContent content)
    {
        Recipient = recipient;
        Content = content;
    }

    /// <summary>Who it is for.</summary>
    public NotificationRecipient Recipient { get; init; }

    /// <summary>What it says.</summary>
    public NotificationContent Content { get; init; }

    /// <summary>
    /// An optional id; a new one is generated when absent. Reusing an id lets receivers deduplicate a retried send; with
    /// the notification inbox on, a send with the id of a notification already stored in the same stream (the user's or
    /// the channel's) is that retry, and is not stored or delivered again.
    /// </summary>
    public string? Id { get; init; }
}
