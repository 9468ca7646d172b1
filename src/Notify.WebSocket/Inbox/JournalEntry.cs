namespace Notify.WebSocket;

/// <summary>A notification the journal stored: its stream, and the payload with its <c>stream</c> and <c>position</c> set.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Notification">The payload, as clients receive it.</param>
/// <param name="Json">The payload as stored: UTF-8 JSON, without <c>stream</c> and <c>position</c> (to hand on without serializing again).</param>
public sealed record JournalEntry(NotificationStreamId Stream, NotificationPayload Notification, ReadOnlyMemory<byte> Json)
{
    /// <summary>The position in <see cref="Stream"/>.</summary>
    public long Position => Notification.Position ?? 0;
}
