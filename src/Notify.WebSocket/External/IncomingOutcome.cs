namespace Notify.WebSocket.External;

/// <summary>What a subscriber did with an incoming event; the connection counts the event once, under what happened to it.</summary>
internal enum IncomingOutcome
{
    /// <summary>Handed on (published, or accepted by the incoming pipeline): counted as received.</summary>
    Taken,

    /// <summary>Not an event the subscriber listens to (<c>subscribeToEvents</c>).</summary>
    NotSubscribed,

    /// <summary>Refused by the subscriber, which counted and logged it under its own reason (a full handling queue).</summary>
    Refused,
}
