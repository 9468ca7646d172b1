using System.Collections.Concurrent;
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
/// Redis's copy of this instance's counts is written again from the counts kept here (<see cref="ResyncAsync"/>) when
/// it may be wrong: a write failed, the connection came back, or the liveness key was gone at a refresh (Redis restarted
/// empty, or took this instance for dead and dropped its fields). Without that, a Redis restart left every group at 0
/// until its connections came and went again.
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

    /// <summary>Sets the liveness key; returns 1 when it was there already, 0 when Redis had lost it.</summary>
    private const string RefreshScript = """
        local existed = redis.call('EXISTS', KEYS[1])
        redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
        return existed
        """;

    private readonly LocalPresenceTracker _local = new();

    // A local change and the issue of its Redis command are one step, and so is a resync's reading of the local counts
    // and the issue of its writes: commands on one connection run in the order issued, so no increment issued before a
    // resync lands after it (counted twice), and none issued after it lands before it (lost).
    private readonly Lock _order = new();
    private readonly ConcurrentDictionary<string, byte> _unsynced = new(StringComparer.Ordinal);
    private int _resyncNeeded;
    private int _resyncing;
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
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        Task write;
        lock (_order)
        {
            _local.Add(group);
            write = Issue(() => db.HashIncrementAsync(PresenceKey(group), _instanceId, 1));
        }

        await WrittenAsync(write, group).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string group, CancellationToken cancellationToken)
    {
        var db = await _redis.DatabaseAsync().ConfigureAwait(false);
        Task write;
        lock (_order)
        {
            _local.Remove(group);
            write = Issue(() => db.ScriptEvaluateAsync(DecrementScript, [PresenceKey(group)], [_instanceId]));
        }

        await WrittenAsync(write, group).ConfigureAwait(false);
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
        (await _redis.ConnectAsync().ConfigureAwait(false)).ConnectionRestored += OnRestored;
        await RefreshAsync().ConfigureAwait(false);
        var period = _timeout / 3;
        _refresh = _timeProvider.CreateTimer(static state => _ = ((RedisPresenceTracker)state!).RefreshAsync(), this, period, period);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        (await _redis.ConnectAsync().ConfigureAwait(false)).ConnectionRestored -= OnRestored;
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

    /// <summary>Sets the liveness key, and writes this instance's counts again when they may be wrong in Redis.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            var db = await _redis.DatabaseAsync().ConfigureAwait(false);
            var existed = (long)(await db.ScriptEvaluateAsync(RefreshScript, [InstanceKey], [(long)_timeout.TotalMilliseconds]).ConfigureAwait(false));
            if (existed == 0)
            {
                Volatile.Write(ref _resyncNeeded, 1);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
            return;
        }

        await ResyncAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// While a resync is needed: writes this instance's field of every group it has connections in, and deletes it from
    /// the groups whose last write failed and that have none left. One resync at a time; a call during one returns, and
    /// the running one (or the next refresh) does what it asked.
    /// </summary>
    private async Task ResyncAsync()
    {
        if (Interlocked.Exchange(ref _resyncing, 1) == 1)
        {
            return;
        }

        try
        {
            while (Interlocked.Exchange(ref _resyncNeeded, 0) == 1)
            {
                var db = await _redis.DatabaseAsync().ConfigureAwait(false);
                var groups = new HashSet<string>(StringComparer.Ordinal);
                var writes = new List<Task>();
                lock (_order)
                {
                    foreach (var group in _unsynced.Keys)
                    {
                        _unsynced.TryRemove(group, out _);
                        groups.Add(group);
                    }

                    groups.UnionWith(_local.Groups);
                    foreach (var group in groups)
                    {
                        var count = _local.Count(group);
                        writes.Add(Issue(() => count > 0
                            ? db.HashSetAsync(PresenceKey(group), _instanceId, count)
                            : db.HashDeleteAsync(PresenceKey(group), _instanceId)));
                    }
                }

                try
                {
                    await Task.WhenAll(writes).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    foreach (var group in groups)
                    {
                        _unsynced.TryAdd(group, 0);
                    }

                    Volatile.Write(ref _resyncNeeded, 1);
                    Failed(ex);
                    return;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _resyncing, 0);
        }
    }

    /// <summary>The connection came back (Redis may have restarted empty meanwhile, and writes may have failed): set the liveness key and resync now.</summary>
    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        Volatile.Write(ref _resyncNeeded, 1);
        _ = RefreshAsync();
    }

    /// <summary>A write whose failure leaves Redis's count of the group for a resync.</summary>
    private async Task WrittenAsync(Task write, string group)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A timed-out write may still have been applied: the resync writes the count, not a change.
            _unsynced.TryAdd(group, 0);
            Volatile.Write(ref _resyncNeeded, 1);
            Failed(ex);
        }
    }

    /// <summary>Issues a command, turning an exception it throws at once into a failed task (awaited outside the lock).</summary>
    private static Task Issue(Func<Task> command)
    {
        try
        {
            return command();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Task.FromException(ex);
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
