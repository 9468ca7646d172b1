namespace Notify.WebSocket.Storage;

/// <summary>The progress of a pending message: which strategies have handled it, and how often it was tried.</summary>
/// <param name="Key">Its owner and id.</param>
/// <param name="Progress">What the pipeline records about it (the strategies done); opaque to the store.</param>
/// <param name="Attempts">How many delivery attempts have failed so far.</param>
public readonly record struct SpoolUpdate(SpoolKey Key, string Progress, int Attempts);
