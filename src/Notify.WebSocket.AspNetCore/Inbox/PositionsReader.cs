using System.Text.Json;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// Reads the positions a client gives when it connects: one JSON object of stream ids and the last position seen in
/// each, <c>{ "t:1:user:alice": 41, "t:1:channel:alerts": 17 }</c>, as text (SignalR's <c>positions</c> query
/// parameter) or a <see cref="JsonElement"/> (Socket.IO's handshake payload). Whether each stream may be followed is
/// checked afterwards.
/// </summary>
internal static class PositionsReader
{
    /// <summary>The query parameter (SignalR, Socket.IO) and the Socket.IO handshake's <c>auth</c> property that carry them.</summary>
    public const string Parameter = "positions";

    public const int MaxStreams = 256;
    private const int MaxTextLength = 32 * 1024;

    /// <summary>
    /// Reads the positions. False when they are not one JSON object of at most <see cref="MaxStreams"/> streams (too many:
    /// the first ones are read). A stream whose position is not a whole number goes to <paramref name="malformed"/>, and
    /// the others are still read: one bad value must not cost the client the replay of every stream after it.
    /// </summary>
    public static bool TryRead(object? raw, out Dictionary<string, long> positions, out List<string> malformed)
    {
        positions = new Dictionary<string, long>(StringComparer.Ordinal);
        malformed = [];
        switch (raw)
        {
            case null:
                return true;
            case string { Length: 0 }:
                return true;
            case string { Length: <= MaxTextLength } text:
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return FromJson(document.RootElement, positions, malformed);
                }
                catch (JsonException)
                {
                    return false;
                }

            case JsonElement json:
                return FromJson(json, positions, malformed);
            default:
                return false;
        }
    }

    private static bool FromJson(JsonElement json, Dictionary<string, long> positions, List<string> malformed)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in json.EnumerateObject())
        {
            if (positions.Count + malformed.Count == MaxStreams)
            {
                return false;
            }

            if (!JsonText.TryGetName(property, out var stream))
            {
                // Not text, so no stream id: the client learns its positions were malformed.
                return false;
            }

            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var position))
            {
                positions[stream] = position;
            }
            else
            {
                malformed.Add(stream);
            }
        }

        return true;
    }
}
