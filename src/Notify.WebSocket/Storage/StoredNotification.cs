namespace Notify.WebSocket.Storage;

/// <summary>A notification as the store holds it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Stream">Its stream.</param>
/// <param name="Position">Its position in the stream.</param>
/// <param name="Payload">The UTF-8 JSON given to <see cref="INotificationStore.AppendAsync"/>.</param>
/// <param name="CreatedAt">When it was sent.</param>
public sealed record StoredNotification(string Id, NotificationStreamId Stream, long Position, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt);
