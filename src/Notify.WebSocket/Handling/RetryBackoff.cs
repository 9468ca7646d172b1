namespace Notify.WebSocket.Handling;

/// <summary>Capped exponential backoff with jitter for failed strategies: <c>retryDelay · 2^(attempt-1)</c>, at most <c>maxRetryDelay</c>, ±20 % (the reconnection formula).</summary>
internal sealed class RetryBackoff(TimeSpan first, TimeSpan max)
{
    public TimeSpan First { get; } = first;

    public TimeSpan Max { get; } = max;

    public TimeSpan Delay(int attempt) => External.ExponentialBackoffPolicy.Delay(attempt - 1, First, Max, Random.Shared.NextDouble());
}
