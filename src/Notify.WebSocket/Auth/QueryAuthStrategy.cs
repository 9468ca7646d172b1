namespace Notify.WebSocket.Auth;

internal sealed class QueryAuthStrategy : IAuthStrategy
{
    public string AuthType => AuthTypes.Query;

    public ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var parameter in context.Options.AuthQuery)
        {
            context.Request.QueryParameters.Add(parameter);
        }

        return ValueTask.CompletedTask;
    }

    public IEnumerable<string> Validate(WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AuthQuery.Count == 0 ? ["authQuery must hold at least one parameter when authType is \"query\"."] : [];
    }
}
