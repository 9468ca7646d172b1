using System.Text;

namespace Notify.WebSocket.Auth;

internal sealed class BasicAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Basic;

    public void Apply(ConnectionRequest request, WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username + ":" + options.Password));
        request.Headers["Authorization"] = "Basic " + credentials;
    }
}
