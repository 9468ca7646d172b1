using System.Text;

namespace Notify.WebSocket.Auth;

internal sealed class BasicAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Basic;

    public ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.Options;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username + ":" + options.Password));
        context.Request.Headers["Authorization"] = "Basic " + credentials;
        return ValueTask.CompletedTask;
    }

    public IEnumerable<string> Validate(WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Username) ? ["username is required when authType is \"basic\"."] : [];
    }
}
