using System.Text.Json;

namespace Notify.WebSocket.External;

/// <summary>An event the server pushed, decoded once and shared by every provider on the connection.</summary>
internal readonly record struct IncomingFrame(string Event, JsonElement Data, string? Id, string? ServerTimestamp);
