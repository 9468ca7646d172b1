using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.ScaleOut;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.Presence;

/// <summary>
/// Presence shared by every instance behind the Redis backplane. Each group has a hash
/// <c>{prefix}:presence:{group}</c> holding one field per instance (its connection count there); each live instance
/// refreshes <c>{prefix}:instance:{id}</c>, which expires after <see cref="RedisScaleOutOptions.PresenceTimeout"/>,
/// every third of that time. A count adds up the fields of live instances and drops those of instances that stopped
/// refreshing: a crashed instance stops counting within the presence timeout. When Redis cannot be reached, counts fall
/// back to this instance's own connections, and the failure is counted and logged (throttled).
/// Needs a single Redis endpoint (the scripts touch keys they are not given, which Redis Cluster does not allow).
/// </summary>
internal sealed class RedisPresenceTracker : IPresenceTracker, IHostedService, IAsyncDisposable
{
    private const string DecrementScript = """
        local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        if v <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return v
        """;

    /// <summary>Returns { live connections, fields of dead instances removed }.</summary>
    private const string CountScript = """
        local h = redis.call('HGETALL', KEYS[1])
        local n = 0
        local dead = 0
        for i = 1, #h, 2 do
          if redis.call('EXISTS', ARGV[1] .. h[i]) == 1 then n = n + tonumber(h[i + 1]) else redis.call('HDEL', KEYS[1], h[i]); dead = dead + 1 end
        end
        return { n, dead }
        """;

    private readonly LocalPresenceTracker _local = new();
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private readonly GatewayRedis _redis;
    private readonly TimeProvider _timeProvider;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LogThrottle _failureLog;
    private readonly string _prefix;
    private readonly TimeSpan _timeout;
    private ITimer? _refresh;

    public RedisPresenceTracker(GatewayRedis redis, IOptions<SignalRGatewayOptions> options, TimeProvider timeProvider, GatewayMetrics metrics, ILogger<RedisPresenceTracker> logger)
    {
        _redis = redis;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _failureLog = new LogThrottle(timeProvider, options.Value.LogThrottleInterval);
        _prefix = redis.Options.ChannelPrefix;
        _timeout = redis.Options.PresenceTimeout;
        metrics.ObservePresence(() => _local.GroupCount);
    }

    private string InstancePrefix => _prefix + ":instance:";

    private RedisKey InstanceKey => InstancePrefix + _instanceId;

    public async ValueTask AddAsync(string group, CancellationToken cancellationToken)
    {
        _local.Add(group);
        try
        {
            var db = await _redis.DatabaseAsync().ConfigureAwait(false);
            await db.HashIncrementAsync(PresenceKey(group), _instanceId, 1).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
        }
    }

    public async ValueTask RemoveAsync(string group, CancellationToken cancellationToken)
    {
        _local.Remove(group);
        try
        {
            var db = await _redis.DatabaseAsync().ConfigureAwait(false);
            await db.ScriptEvaluateAsync(DecrementScript, [PresenceKey(group)], [_instanceId]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
        }
    }

    public async ValueTask<int> CountAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            var db = await _redis.DatabaseAsync().ConfigureAwait(false);
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(CountScript, [PresenceKey(group)], [InstancePrefix]).ConfigureAwait(false))!;
            var dead = (long)result[1];
            if (dead > 0)
            {
                _metrics.PresenceExpired(dead);
            }

            return (int)result[0];
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
            return _local.Count(group);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync().ConfigureAwait(false);
        var period = _timeout / 3;
        _refresh = _timeProvider.CreateTimer(static state => _ = ((RedisPresenceTracker)state!).RefreshAsync(), this, period, period);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            var db = await _redis.DatabaseAsync().ConfigureAwait(false);
            await db.KeyDeleteAsync(InstanceKey).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var db = await _redis.DatabaseAsync().ConfigureAwait(false);
            await db.StringSetAsync(InstanceKey, 1, _timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
        }
    }

    private void Failed(Exception exception)
    {
        _metrics.PresenceFailed();
        if (_failureLog.TryEnter(out var suppressed))
        {
            Log.RedisPresenceFailed(_logger, exception, suppressed);
        }
    }

    private RedisKey PresenceKey(string group) => _prefix + ":presence:" + group;
}
