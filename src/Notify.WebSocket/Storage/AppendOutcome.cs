namespace Notify.WebSocket.Storage;

/// <summary>Where an appended notification landed.</summary>
/// <param name="Position">Its position in its stream.</param>
/// <param name="Duplicate">True when its id was already stored in its stream: <paramref name="Position"/> is the stored one's and nothing was added.</param>
public readonly record struct AppendOutcome(long Position, bool Duplicate);
