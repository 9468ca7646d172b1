namespace Notify.WebSocket.Storage;

/// <summary>A notification to store.</summary>
/// <param name="Id">Its id, unique per stream: a second record with an id already stored in the same stream is a duplicate and is not stored again (the same id in another stream is another notification).</param>
/// <param name="Stream">The stream it goes to.</param>
/// <param name="Payload">The notification as UTF-8 JSON (the wire payload without <c>stream</c> and <c>position</c>); opaque to the store.</param>
/// <param name="CreatedAt">When it was sent.</param>
public sealed record NotificationRecord(string Id, NotificationStreamId Stream, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt);
