namespace Notify.WebSocket.External;

/// <summary>
/// delay = min(reconnectionDelay × 2^attempt, maxReconnectionDelay), then jittered by ±20% (never above the cap), for
/// at most <c>reconnectionAttempts</c> attempts. Jitter spreads the reconnects of many clients after a server restart.
/// </summary>
internal sealed class ExponentialBackoffPolicy(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay, Func<double>? random = null) : IReconnectionPolicy
{
    private const double Jitter = 0.2;
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    public static ExponentialBackoffPolicy From(WebSocketProviderOptions options) => new(
        options.Reconnection ? options.ReconnectionAttempts : 0,
        TimeSpan.FromMilliseconds(options.ReconnectionDelay),
        TimeSpan.FromMilliseconds(options.MaxReconnectionDelay));

    public TimeSpan? NextDelay(int attempt)
    {
        if (attempt >= maxAttempts)
        {
            return null;
        }

        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        var jittered = capped * (1 - Jitter + (2 * Jitter * _random()));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, maxDelay.TotalMilliseconds));
    }
}
