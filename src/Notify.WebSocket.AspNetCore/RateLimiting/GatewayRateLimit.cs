using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.ScaleOut;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.RateLimiting;

/// <summary>
/// One fixed-window limit, partitioned by key (a user, a tenant). Without Redis it is this instance's
/// <see cref="System.Threading.RateLimiting"/> limiter; with Redis scale-out it is RedisRateLimiting's fixed window on
/// the shared Redis, so every instance draws from the same budget (windows counted in whole seconds there). When Redis
/// fails, the check falls back to this instance's limiter, and the failure is counted and logged (throttled).
/// </summary>
internal sealed class GatewayRateLimit : IDisposable
{
    private readonly int? _permitLimit;
    private readonly PartitionedRateLimiter<string>? _local;
    private readonly PartitionedRateLimiter<string>? _distributed;
    private readonly GatewayRedis? _redis;
    private readonly GatewayMetrics _metrics;
    private readonly LogThrottle _failureLog;
    private readonly ILogger _logger;

    public GatewayRateLimit(string name, int? permitLimit, TimeSpan window, GatewayRedis? redis, GatewayMetrics metrics, LogThrottle failureLog, ILogger logger)
    {
        _permitLimit = permitLimit;
        _redis = redis;
        _metrics = metrics;
        _failureLog = failureLog;
        _logger = logger;
        if (permitLimit is not { } limit)
        {
            return;
        }

        _local = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        if (redis is not null)
        {
            var prefix = string.Concat(redis.Options.ChannelPrefix, ":limit:", name, ":");
            var options = new RedisFixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = window,
                ConnectionMultiplexerFactory = () => redis.Connection,
            };
            _distributed = PartitionedRateLimiter.Create<string, string>(key => RedisRateLimitPartition.GetFixedWindowRateLimiter(prefix + key, _ => options));
        }
    }

    /// <summary>A description for messages, such as "20 per 10 s".</summary>
    public static string Describe(int? permitLimit, TimeSpan window) =>
        permitLimit is { } limit ? FormattableString.Invariant($"{limit} per {window.TotalSeconds:0.###} s") : "unlimited";

    /// <summary>Takes one permit of <paramref name="key"/>'s budget; false when it is spent.</summary>
    public ValueTask<bool> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        if (_permitLimit is null)
        {
            return new ValueTask<bool>(true);
        }

        return _distributed is null ? new ValueTask<bool>(AcquireLocal(key)) : AcquireDistributedAsync(key, cancellationToken);
    }

    public void Dispose()
    {
        _local?.Dispose();
        _distributed?.Dispose();
    }

    private bool AcquireLocal(string key)
    {
        using var lease = _local!.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    private async ValueTask<bool> AcquireDistributedAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            // RedisRateLimiting has no synchronous attempt: its partitions acquire through Redis, asynchronously.
            await _redis!.ConnectAsync().ConfigureAwait(false);
            using var lease = await _distributed!.AcquireAsync(key, 1, cancellationToken).ConfigureAwait(false);
            return lease.IsAcquired;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.LimiterFailed();
            if (_failureLog.TryEnter(out var suppressed))
            {
                Log.RateLimiterFailed(_logger, ex, suppressed);
            }

            return AcquireLocal(key);
        }
    }
}
