namespace Notify.WebSocket;

/// <summary>A notification the journal stored: its stream, and the payload with its <c>stream</c> and <c>position</c> set.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Notification">The payload, as clients receive it.</param>
public sealed record JournalEntry(NotificationStreamId Stream, NotificationPayload Notification)
{
    /// <summary>The position in <see cref="Stream"/>.</summary>
    public long Position => Notification.Position ?? 0;
}
