namespace Notify.WebSocket.Handling;

/// <summary>Capped exponential backoff with jitter for failed strategies: <c>retryDelay · 2^(attempt-1)</c>, at most <c>maxRetryDelay</c>, minus up to 20 %.</summary>
internal sealed class RetryBackoff(TimeSpan first, TimeSpan max)
{
    public TimeSpan First { get; } = first;

    public TimeSpan Max { get; } = max;

    public TimeSpan Delay(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ms = Math.Min(First.TotalMilliseconds * Math.Pow(2, exponent), Max.TotalMilliseconds);
        var jitter = 1 - (Random.Shared.NextDouble() * 0.2);
        return TimeSpan.FromMilliseconds(ms * jitter);
    }
}
