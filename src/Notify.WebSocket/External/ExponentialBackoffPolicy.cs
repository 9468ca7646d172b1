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

    public TimeSpan? NextReconnectionDelay(ReconnectionContext context) => NextDelay(context.PreviousAttempts);

    /// <summary>The delay before attempt <paramref name="attempt"/> (0-based), or null past the last one.</summary>
    public TimeSpan? NextDelay(int attempt) => attempt >= maxAttempts ? null : Delay(attempt, baseDelay, maxDelay, _random());

    /// <summary>The one backoff formula of the library (reconnection and strategy retries): exponential, capped, jittered ±20 %, never above the cap.</summary>
    /// <param name="attempt">0 for the first delay.</param>
    /// <param name="baseDelay">The first delay.</param>
    /// <param name="maxDelay">The cap.</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        var jittered = capped * (1 - Jitter + (2 * Jitter * random));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, maxDelay.TotalMilliseconds));
    }
}
