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
}
