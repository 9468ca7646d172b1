namespace Notify.WebSocket.Auth;

internal sealed class CustomHeadersAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Custom;

    public ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, value) in context.Options.AuthHeaders)
        {
            context.Request.Headers[name] = value;
        }

        return ValueTask.CompletedTask;
    }

    public IEnumerable<string> Validate(WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AuthHeaders.Count == 0 ? ["authHeaders must hold at least one header when authType is \"custom\"."] : [];
    }
}
