namespace Notify.WebSocket.Storage;

/// <summary>A message to spool.</summary>
/// <param name="Key">Its owner and id.</param>
/// <param name="Message">The whole message as UTF-8 JSON, written and read back by the pipeline; opaque to the store.</param>
public readonly record struct SpoolInsert(SpoolKey Key, ReadOnlyMemory<byte> Message);
