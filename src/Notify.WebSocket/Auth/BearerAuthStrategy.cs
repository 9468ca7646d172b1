namespace Notify.WebSocket.Auth;

/// <summary>Bearer token as the Authorization header, and as <c>auth.token</c> for Socket.IO servers that read the handshake payload.</summary>
internal sealed class BearerAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Bearer;

    public void Apply(ConnectionRequest request, WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        request.Headers["Authorization"] = "Bearer " + options.AuthToken;
        request.AuthPayload["token"] = options.AuthToken;
    }
}
