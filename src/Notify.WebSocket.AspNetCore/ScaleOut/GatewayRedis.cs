using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.ScaleOut;

/// <summary>
/// The one Redis connection that presence and the distributed rate limits share (SignalR's backplane keeps its own).
/// Connected when the host starts; a Redis that is down then does not stop the host: the connection keeps retrying in
/// the background, commands fail at once meanwhile, and its users fall back to this instance.
/// </summary>
internal sealed class GatewayRedis(RedisScaleOutOptions options) : IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public RedisScaleOutOptions Options { get; } = options;

    /// <summary>The connection, once <see cref="ConnectAsync"/> has completed.</summary>
    /// <exception cref="InvalidOperationException">Before the connection was made.</exception>
    public IConnectionMultiplexer Connection => _redis ?? throw new InvalidOperationException("The gateway's Redis connection is not made yet.");

    /// <summary>Makes the connection on first use (or returns it).</summary>
    public async ValueTask<IConnectionMultiplexer> ConnectAsync()
    {
        if (_redis is { } redis)
        {
            return redis;
        }

        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_redis is null)
            {
                var configuration = ConfigurationOptions.Parse(Options.Configuration);
                configuration.AbortOnConnectFail = false;

                // While Redis is unreachable, fail at once (callers fall back to this instance) instead of queueing every
                // join and send until the command timeout.
                configuration.BacklogPolicy = BacklogPolicy.FailFast;
                _redis = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            }

            return _redis;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    public async ValueTask<IDatabase> DatabaseAsync() => (await ConnectAsync().ConfigureAwait(false)).GetDatabase();

    public async Task StartAsync(CancellationToken cancellationToken) => await ConnectAsync().ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }

        _connectGate.Dispose();
    }
}
