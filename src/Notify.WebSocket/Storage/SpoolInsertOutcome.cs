namespace Notify.WebSocket.Storage;

/// <summary>What became of a message offered to the spool.</summary>
public enum SpoolInsertOutcome
{
    /// <summary>Stored; it will be handled.</summary>
    Stored,

    /// <summary>The same id is already pending for the same owner; the copy is not stored (nor handled) again.</summary>
    Duplicate,

    /// <summary>The spool is full (<c>spoolCapacity</c>); the message is refused, and the pipeline logs and counts it.</summary>
    Full,
}
