namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>
/// Reads a parameter of a request's query string without building ASP.NET Core's query collection, which a
/// WebSocket request would keep (a dictionary and its strings) for as long as the connection lives.
/// </summary>
internal static class QueryParameters
{
    /// <summary>The first value of <paramref name="name"/> (URL-decoded), or null when absent.</summary>
    public static string? Get(string? queryString, string name)
    {
        if (!TryFind(queryString, name, out var value))
        {
            return null;
        }

        return value.ContainsAny('%', '+') ? Uri.UnescapeDataString(value.ToString().Replace('+', ' ')) : value.ToString();
    }

    /// <summary>Whether <paramref name="name"/> has exactly the value <paramref name="expected"/> (no allocation).</summary>
    public static bool Is(string? queryString, string name, string expected) =>
        TryFind(queryString, name, out var value) && value.SequenceEqual(expected);

    /// <summary>The raw (still encoded) value of the first <paramref name="name"/>.</summary>
    private static bool TryFind(string? queryString, string name, out ReadOnlySpan<char> value)
    {
        var query = queryString.AsSpan();
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }

        while (!query.IsEmpty)
        {
            var end = query.IndexOf('&');
            var pair = end < 0 ? query : query[..end];
            query = end < 0 ? [] : query[(end + 1)..];
            var equals = pair.IndexOf('=');
            if ((equals < 0 ? pair : pair[..equals]).SequenceEqual(name))
            {
                value = equals < 0 ? [] : pair[(equals + 1)..];
                return true;
            }
        }

        value = [];
        return false;
    }
}
