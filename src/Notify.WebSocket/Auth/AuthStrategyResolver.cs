namespace Notify.WebSocket.Auth;

/// <summary>Finds the strategy for an <c>authType</c> and builds a connection request with it.</summary>
internal sealed class AuthStrategyResolver(IEnumerable<IAuthStrategy> strategies)
{
    private readonly Dictionary<string, IAuthStrategy> _byType = strategies
        .GroupBy(s => s.AuthType, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);

    public ConnectionRequest CreateRequest(WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = new ConnectionRequest(new Uri(options.Url!, UriKind.Absolute));
        if (!_byType.TryGetValue(options.AuthType, out var strategy))
        {
            throw new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, $"No authentication strategy is registered for authType \"{options.AuthType}\".", retryable: false);
        }

        strategy.Apply(request, options);
        return request;
    }
}
