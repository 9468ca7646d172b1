namespace Notify.WebSocket;

/// <summary>What an <see cref="IAuthStrategy"/> or an <see cref="IBearerTokenProvider"/> is given for one connection attempt.</summary>
public sealed class AuthContext
{
    /// <summary>The tenant whose provider opened the connection.</summary>
    public required string TenantId { get; init; }

    /// <summary>The provider configuration's name (default <c>websocket</c>).</summary>
    public required string ProviderName { get; init; }

    /// <summary>The attempt since the connection was opened or last connected (1 for the first).</summary>
    public required int Attempt { get; init; }

    /// <summary>The request to add the credentials to.</summary>
    public required ConnectionRequest Request { get; init; }

    /// <summary>The provider's options, credentials included: never log them.</summary>
    public required WebSocketProviderOptions Options { get; init; }
}
