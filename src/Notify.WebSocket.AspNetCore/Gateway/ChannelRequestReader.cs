using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// Reads the <c>{ channelName }</c> of a <c>channel:join</c> / <c>channel:leave</c> from the raw argument a transport
/// bound, whatever its shape: the hub takes the argument as <see cref="object"/> so that binding never fails and the
/// gateway answers every request itself. The gateway speaks JSON, so it arrives as a <see cref="JsonElement"/>.
/// Properties other than <c>channelName</c> (and a join's optional <c>position</c>, with the inbox) are ignored.
/// </summary>
internal static class ChannelRequestReader
{
    public const string ChannelNameProperty = "channelName";
    public const string PositionProperty = "position";

    /// <summary>Gets the channel name, or false when the request does not have the protocol's shape.</summary>
    /// <param name="argument">The argument as bound by the transport.</param>
    /// <param name="channelName">The name as sent (not yet checked against <see cref="ChannelNames"/>).</param>
    /// <returns>Whether the request is an object with exactly one string <c>channelName</c>.</returns>
    public static bool TryRead(object? argument, out string channelName)
    {
        channelName = string.Empty;
        if ((argument is JsonElement json ? FromJson(json) : null) is not { } found)
        {
            return false;
        }

        channelName = found;
        return true;
    }

    /// <summary>
    /// Reads the optional <c>position</c> of a join, with the inbox: the last position of the channel's stream the client
    /// has seen; null when absent (or JSON null), then the join is live only.
    /// </summary>
    /// <returns>False when a position is there but is not a whole number.</returns>
    public static bool TryReadPosition(object? argument, out long? position)
    {
        position = null;
        switch (argument)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } json when json.TryGetProperty(PositionProperty, out var p):
                if (p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var number))
                {
                    position = number;
                }

                return position is not null || p.ValueKind == JsonValueKind.Null;
            default:
                return true;
        }
    }

    private static string? FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? name = null;
        var seen = false;
        foreach (var property in json.EnumerateObject())
        {
            if (!property.NameEquals(ChannelNameProperty))
            {
                continue;
            }

            // A repeated key is ambiguous (parsers disagree on which one wins): refuse it rather than pick one.
            if (seen || property.Value.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            seen = true;
            if (!JsonText.TryGetString(property.Value, out var text))
            {
                return null;
            }

            name = text;
        }

        return name;
    }
}
