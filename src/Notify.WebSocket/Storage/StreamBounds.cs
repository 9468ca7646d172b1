namespace Notify.WebSocket.Storage;

/// <summary>What a stream holds.</summary>
/// <param name="Oldest">The lowest position still retained; 0 when nothing is retained.</param>
/// <param name="Head">The highest position ever given out (retention does not lower it); 0 when nothing was ever stored.</param>
public readonly record struct StreamBounds(long Oldest, long Head);
