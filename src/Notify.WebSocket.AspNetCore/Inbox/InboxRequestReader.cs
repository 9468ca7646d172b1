using System.Text.Json;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// Reads an inbox request from the raw argument a transport bound (a <see cref="JsonElement"/>): <c>{ ids: [..] }</c>,
/// and for <c>inbox:read</c> also <c>{ all: true }</c> or <c>{ stream, position }</c> (a stream id and a position from
/// 0). Exactly one form; anything else is malformed.
/// </summary>
internal static class InboxRequestReader
{
    public const int MaxIds = 100;
    private const int MaxIdLength = 200;

    public static bool TryRead(object? argument, bool allowAllAndThrough, out InboxRequest request)
    {
        request = new InboxRequest(null, All: false, Stream: null, Position: null);
        var fields = argument is JsonElement { ValueKind: JsonValueKind.Object } json ? FromJson(json) : null;
        if (fields is not var (ids, all, stream, position, valid) || !valid)
        {
            return false;
        }

        var forms = (ids is not null ? 1 : 0) + (all ? 1 : 0) + (stream is not null || position is not null ? 1 : 0);
        if (forms != 1 || (!allowAllAndThrough && ids is null) || (stream is null) != (position is null))
        {
            return false;
        }

        request = new InboxRequest(ids, all, stream, position);
        return true;
    }

    private static (IReadOnlyList<string>? Ids, bool All, NotificationStreamId? Stream, long? Position, bool Valid)? FromJson(JsonElement json)
    {
        IReadOnlyList<string>? ids = null;
        var all = false;
        NotificationStreamId? stream = null;
        long? position = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            // A name that is not text is no field of an inbox request: ignored, as unknown fields are.
            var field = JsonText.TryGetName(property, out var name) ? name : null;
            if (field is "ids" or "all" or "stream" or "position" && !seen.Add(field))
            {
                // Which one was meant cannot be told (JSON parsers keep the first or the last).
                return (null, false, null, null, false);
            }

            switch (field)
            {
                case "ids" when property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() is > 0 and <= MaxIds:
                    var list = new List<string>();
                    foreach (var id in property.Value.EnumerateArray())
                    {
                        if (!JsonText.TryGetString(id, out var text) || text is not { Length: > 0 and <= MaxIdLength } || string.IsNullOrWhiteSpace(text))
                        {
                            return (null, false, null, null, false);
                        }

                        list.Add(text);
                    }

                    ids = list;
                    break;
                case "all" when property.Value.ValueKind == JsonValueKind.True:
                    all = true;
                    break;
                case "stream" when JsonText.TryGetString(property.Value, out var text) && ClientStreamIds.TryParse(text, out var id):
                    stream = id;
                    break;
                case "position" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var p) && p >= 0:
                    position = p;
                    break;
                case "ids" or "all" or "stream" or "position":
                    return (null, false, null, null, false);
            }
        }

        return (ids, all, stream, position, true);
    }
}
