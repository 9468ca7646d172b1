namespace Notify.WebSocket.Storage;

/// <summary>A pending message as the spool holds it.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Message">The message as stored by <see cref="SpoolInsert.Message"/>.</param>
/// <param name="Progress">The progress last stored by <see cref="SpoolUpdate.Progress"/> (empty before any).</param>
/// <param name="Attempts">The attempts last stored by <see cref="SpoolUpdate.Attempts"/>.</param>
public sealed record SpooledMessage(string Id, ReadOnlyMemory<byte> Message, string Progress, int Attempts);
