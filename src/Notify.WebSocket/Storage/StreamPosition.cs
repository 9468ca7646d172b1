namespace Notify.WebSocket.Storage;

/// <summary>A stream and a position in it.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Position">The position.</param>
public readonly record struct StreamPosition(NotificationStreamId Stream, long Position);
