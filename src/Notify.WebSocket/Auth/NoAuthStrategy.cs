namespace Notify.WebSocket.Auth;

internal sealed class NoAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.None;

    public ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
