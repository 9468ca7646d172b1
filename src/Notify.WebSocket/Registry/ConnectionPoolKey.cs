using System.Security.Cryptography;
using System.Text;

namespace Notify.WebSocket.Registry;

/// <summary>
/// Everything that makes a physical connection distinct. Two providers share a connection only when all of it is
/// equal, credentials included: the credentials enter as a keyed hash (the key is random per process), so two
/// tenants with different tokens never share a socket and the key itself never reveals a secret.
/// </summary>
internal sealed record ConnectionPoolKey(
    WebSocketProtocol Protocol,
    string Url,
    string Path,
    string Transports,
    bool Compression,
    string AuthType,
    string CredentialHash,
    string WireFormat)
{
    private static readonly byte[] HashKey = RandomNumberGenerator.GetBytes(32);

    /// <param name="options">The provider's options.</param>
    /// <param name="owner">Set when the credentials may differ per tenant although the options are equal (a custom auth
    /// strategy, a token provider): it enters the credential hash, so no one else shares the connection.</param>
    public static ConnectionPoolKey From(WebSocketProviderOptions options, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConnectionPoolKey(
            options.Protocol ?? WebSocketProtocol.Ws,
            options.Url ?? string.Empty,
            options.Protocol == WebSocketProtocol.SocketIo ? options.Path : string.Empty,
            options.Protocol == WebSocketProtocol.SocketIo ? string.Join(',', options.Transports).ToUpperInvariant() : string.Empty,
            options.EnableCompression,
            options.AuthType.ToUpperInvariant(),
            HashCredentials(options, owner),
            WireFormatOf(options));
    }

    /// <summary>
    /// What the shared connection itself writes with the first opener's options: the envelope (native WebSocket) and
    /// the join and leave events with their room field (both protocols), so tenants that differ there never share.
    /// </summary>
    private static string WireFormatOf(WebSocketProviderOptions options) =>
        string.Join(
            '|',
            options.Protocol == WebSocketProtocol.SocketIo ? options.Envelope.RoomParameter : options.Envelope.Signature,
            options.CustomEvents.Join,
            options.CustomEvents.Leave);

    /// <summary>Whether <paramref name="other"/> is the same endpoint and wire format with other credentials.</summary>
    public bool DiffersOnlyInCredentials(ConnectionPoolKey other) =>
        other is not null && CredentialHash != other.CredentialHash && this with { CredentialHash = other.CredentialHash } == other;

    /// <summary>The server's <c>host:port</c>: what metrics tag a connection's counts with (never a path, query or credential).</summary>
    public string HostAndPort =>
        Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";

    /// <summary>Shows the endpoint and a prefix of the keyed hash only.</summary>
    public override string ToString()
    {
        var url = SecretRedactor.RedactUrl(Url);
        return $"{Protocol} {(Path.Length > 0 ? url.TrimEnd('/') : url)}{Path} auth={AuthType.ToLowerInvariant()}#{CredentialHash[..8]}";
    }

    private static string HashCredentials(WebSocketProviderOptions options, string? owner)
    {
        var material = new StringBuilder();
        void Add(string? value) => material.Append(value?.Length ?? -1).Append(':').Append(value).Append('|');

        Add(owner);
        Add(options.AuthToken);
        Add(options.Username);
        Add(options.Password);
        foreach (var (key, value) in options.AuthQuery.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Add(key);
            Add(value);
        }

        foreach (var (key, value) in options.AuthHeaders.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            Add(key.ToUpperInvariant());
            Add(value);
        }

        return Convert.ToHexString(HMACSHA256.HashData(HashKey, Encoding.UTF8.GetBytes(material.ToString())));
    }
}
