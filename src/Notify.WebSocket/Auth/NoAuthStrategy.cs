namespace Notify.WebSocket.Auth;

internal sealed class NoAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.None;

    public void Apply(ConnectionRequest request, WebSocketProviderOptions options)
    {
    }
}
