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
        if (options.AuthHeaders.Count == 0)
        {
            return ["authHeaders must hold at least one header when authType is \"custom\"."];
        }

        var problems = new List<string>();
        foreach (var (name, value) in options.AuthHeaders)
        {
            if (!HeaderText.IsName(name))
            {
                problems.Add($"authHeaders:{HeaderText.Shown(name)} is not a valid HTTP header name; use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons or line breaks).");
            }
            else if (!HeaderText.IsValue(value ?? string.Empty))
            {
                problems.Add($"authHeaders:{name} has a value no HTTP header can carry (a line break, a control or a non-ASCII character); fix the value (not shown: it is a secret).");
            }
        }

        return problems;
    }
}
