namespace Notify.WebSocket.External;

/// <summary>An event the server pushed, decoded once and shared by every provider on the connection.</summary>
/// <param name="Event">The event name.</param>
/// <param name="Data">The event data.</param>
/// <param name="Id">The server's message id, when it sent one.</param>
/// <param name="ServerTimestamp">The server's timestamp, when it sent one.</param>
/// <param name="RequiresAck">Whether the server asked for an acknowledgment (sent once the event is durable).</param>
internal readonly record struct IncomingFrame(string Event, System.Text.Json.JsonElement Data, string? Id, string? ServerTimestamp, bool RequiresAck = false);
