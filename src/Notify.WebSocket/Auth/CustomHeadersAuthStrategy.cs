namespace Notify.WebSocket.Auth;

internal sealed class CustomHeadersAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Custom;

    public void Apply(ConnectionRequest request, WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, value) in options.AuthHeaders)
        {
            request.Headers[name] = value;
        }
    }
}
