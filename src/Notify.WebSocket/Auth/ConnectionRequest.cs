using System.Text;

namespace Notify.WebSocket;

/// <summary>A connection about to be opened: the url plus the headers, query parameters and handshake payload auth adds.</summary>
public sealed class ConnectionRequest
{
    /// <summary>Creates a request for a server url.</summary>
    /// <param name="url">The server url as configured.</param>
    public ConnectionRequest(Uri url) => Url = url ?? throw new ArgumentNullException(nameof(url));

    /// <summary>The server url as configured (its own query string is kept).</summary>
    public Uri Url { get; }

    /// <summary>Headers sent with the upgrade (or Socket.IO handshake) request.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Query parameters appended to the url.</summary>
    public IList<KeyValuePair<string, string>> QueryParameters { get; } = [];

    /// <summary>The Socket.IO handshake <c>auth</c> payload (ignored by native WebSocket).</summary>
    public IDictionary<string, object?> AuthPayload { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>The url with <see cref="QueryParameters"/> percent-encoded and appended to any query it already has.</summary>
    /// <returns>The url to connect to.</returns>
    public Uri BuildUri()
    {
        if (QueryParameters.Count == 0)
        {
            return Url;
        }

        var query = new StringBuilder(Url.Query.TrimStart('?'));
        foreach (var (key, value) in QueryParameters)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return new UriBuilder(Url) { Query = query.ToString() }.Uri;
    }

    /// <summary>A description without secrets: the url without its query, and header and parameter names only.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"ConnectionRequest {{ Url = {SecretRedactor.RedactUrl(Url.ToString())}, Headers = [{string.Join(", ", Headers.Keys)}], Query = [{string.Join(", ", QueryParameters.Select(p => p.Key))}] }}";
}
