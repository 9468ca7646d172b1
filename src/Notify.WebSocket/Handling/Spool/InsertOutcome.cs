namespace Notify.WebSocket.Handling.Spool;

/// <summary>What became of a message offered to the spool.</summary>
internal enum InsertOutcome
{
    /// <summary>Stored; it will be handled.</summary>
    Stored,

    /// <summary>The same id is already pending for the same owner; the copy is dropped.</summary>
    Duplicate,

    /// <summary>The spool is full (<c>spoolCapacity</c>); the message is rejected, logged and counted.</summary>
    SpoolFull,
}
