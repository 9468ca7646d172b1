namespace Notify.WebSocket.Storage;

/// <summary>Names one spooled message.</summary>
/// <param name="Owner">The pipeline the message belongs to (one tenant of one configuration), as an opaque name.</param>
/// <param name="Id">The message id (<see cref="IncomingMessage.Id"/>); unique per owner while pending.</param>
public readonly record struct SpoolKey(string Owner, string Id);
