namespace Notify.WebSocket.Auth;

internal sealed class QueryAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Query;

    public void Apply(ConnectionRequest request, WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var parameter in options.AuthQuery)
        {
            request.QueryParameters.Add(parameter);
        }
    }
}
