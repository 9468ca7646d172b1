namespace Notify.WebSocket;

/// <summary>
/// Applies one <c>authType</c>'s credentials to a connection request: headers, query parameters and, for Socket.IO,
/// the handshake's <c>auth</c> payload. Register custom strategies with
/// <c>builder.AddAuthStrategy&lt;T&gt;()</c>; their <see cref="AuthType"/> becomes a valid <c>authType</c> value.
/// </summary>
public interface IAuthStrategy
{
    /// <summary>The <c>authType</c> value this strategy handles (case-insensitive).</summary>
    string AuthType { get; }

    /// <summary>Adds the credentials from <paramref name="options"/> to <paramref name="request"/>.</summary>
    /// <param name="request">The connection request being built.</param>
    /// <param name="options">The provider's options.</param>
    void Apply(ConnectionRequest request, WebSocketProviderOptions options);
}
