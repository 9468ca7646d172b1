namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// A scenario measures our path and its baseline against the same server with the same payload, alternating runs so
/// machine noise hits both alike; the median of the repeats is reported.
/// </summary>
internal abstract class Scenario
{
    public abstract string Name { get; }

    public virtual bool ReportsLatency => false;

    public virtual Task SetUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken);

    public abstract Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken);

    public virtual Task TearDownAsync() => Task.CompletedTask;

    /// <summary>One user notification through the provider; a failed send stops the run instead of being counted.</summary>
    protected static async Task SendOrThrowAsync(IWebSocketProvider provider, NotificationContent content, CancellationToken cancellationToken)
    {
        var result = await provider.SendToUserAsync("u", content, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }

    /// <summary>One channel broadcast through the provider; a failed send stops the run instead of being counted.</summary>
    protected static async Task BroadcastOrThrowAsync(IWebSocketProvider provider, string channel, NotificationContent content, CancellationToken cancellationToken)
    {
        var result = await provider.SendToChannelAsync(channel, content, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }

    /// <summary>Runs <paramref name="operation"/> on <paramref name="concurrency"/> loops until the duration ends; each call counts <paramref name="operationsPerCall"/> operations.</summary>
    protected static async Task<Measurement> TimedAsync(int concurrency, TimeSpan duration, Func<CancellationToken, Task> operation, bool recordLatency, CancellationToken cancellationToken, int operationsPerCall = 1)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latencies = recordLatency ? new List<double>[concurrency] : null;
        long operations = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        stop.CancelAfter(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = recordLatency ? latencies![w] = [] : null;
            long count = 0;
            while (!stop.IsCancellationRequested)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                await operation(cancellationToken).ConfigureAwait(false);
                mine?.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                count += operationsPerCall;
            }

            Interlocked.Add(ref operations, count);
        }, cancellationToken))).ConfigureAwait(false);
        return new Measurement(operations, clock.Elapsed, latencies?.SelectMany(l => l).ToList());
    }
}
