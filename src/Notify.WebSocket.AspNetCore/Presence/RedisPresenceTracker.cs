using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.Presence;

/// <summary>
/// Presence shared by every instance behind the Redis backplane. Each group has a hash
/// <c>{prefix}:presence:{group}</c> holding one field per instance (its connection count there); each live instance
/// refreshes <c>{prefix}:instance:{id}</c> with a short expiry. A count adds up the fields of live instances and drops
/// those of instances that stopped refreshing (a crashed instance stops counting within <see cref="InstanceTtl"/>).
/// When Redis cannot be reached, counts fall back to this instance's own connections and the failure is logged.
/// Needs a single Redis endpoint (the scripts touch keys they are not given, which Redis Cluster does not allow).
/// </summary>
internal sealed class RedisPresenceTracker(string configuration, string prefix, TimeProvider timeProvider, ILogger<RedisPresenceTracker> logger)
    : IPresenceTracker, IHostedService, IAsyncDisposable
{
    internal static readonly TimeSpan InstanceTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(10);

    private const string DecrementScript = """
        local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        if v <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return v
        """;

    private const string CountScript = """
        local h = redis.call('HGETALL', KEYS[1])
        local n = 0
        for i = 1, #h, 2 do
          if redis.call('EXISTS', ARGV[1] .. h[i]) == 1 then n = n + tonumber(h[i + 1]) else redis.call('HDEL', KEYS[1], h[i]) end
        end
        return n
        """;

    private readonly LocalPresenceTracker _local = new();
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private ConnectionMultiplexer? _redis;
    private ITimer? _refresh;

    private string InstancePrefix => prefix + ":instance:";

    private RedisKey InstanceKey => InstancePrefix + _instanceId;

    public async ValueTask AddAsync(string group, CancellationToken cancellationToken)
    {
        _local.Add(group);
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            await db.HashIncrementAsync(PresenceKey(group), _instanceId, 1).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisPresenceFailed(logger, ex);
        }
    }

    public async ValueTask RemoveAsync(string group, CancellationToken cancellationToken)
    {
        _local.Remove(group);
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            await db.ScriptEvaluateAsync(DecrementScript, [PresenceKey(group)], [_instanceId]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisPresenceFailed(logger, ex);
        }
    }

    public async ValueTask<int> CountAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            var result = await db.ScriptEvaluateAsync(CountScript, [PresenceKey(group)], [InstancePrefix]).ConfigureAwait(false);
            return (int)result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisPresenceFailed(logger, ex);
            return _local.Count(group);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync().ConfigureAwait(false);
        _refresh = timeProvider.CreateTimer(static state => _ = ((RedisPresenceTracker)state!).RefreshAsync(), this, RefreshPeriod, RefreshPeriod);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            if (_redis is not null)
            {
                await _redis.GetDatabase().KeyDeleteAsync(InstanceKey).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisPresenceFailed(logger, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync().ConfigureAwait(false);
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }

        _connectGate.Dispose();
    }

    private async Task RefreshAsync()
    {
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            await db.StringSetAsync(InstanceKey, 1, InstanceTtl).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisPresenceFailed(logger, ex);
        }
    }

    private RedisKey PresenceKey(string group) => prefix + ":presence:" + group;

    private async ValueTask<IDatabase> DatabaseAsync()
    {
        if (_redis is { } redis)
        {
            return redis.GetDatabase();
        }

        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_redis is null)
            {
                var options = ConfigurationOptions.Parse(configuration);
                options.AbortOnConnectFail = false;
                _redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            }

            return _redis.GetDatabase();
        }
        finally
        {
            _connectGate.Release();
        }
    }
}
