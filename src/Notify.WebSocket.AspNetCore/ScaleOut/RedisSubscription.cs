using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.ScaleOut;

/// <summary>
/// A subscription to one Redis channel that the host's start does not depend on. Redis can be down when the host starts,
/// or only its subscription connection not up yet (<see cref="GatewayRedis.ConnectAsync"/> can return before it is,
/// and the fail-fast backlog policy fails the SUBSCRIBE at once): the host starts anyway, and the subscription is tried
/// again with a capped backoff until Redis takes it or the host stops. Once taken, StackExchange.Redis keeps it across
/// reconnects by itself.
/// </summary>
internal sealed class RedisSubscription(IConnectionMultiplexer connection, RedisChannel channel, Action<ChannelMessage> onMessage, TimeProvider timeProvider) : IDisposable
{
    /// <summary>The first wait before trying Redis again; each failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _subscribing = Task.CompletedTask;
    private ChannelMessageQueue? _queue;
    private int _disposed;

    /// <summary>Called with every failed attempt's exception (log it, throttled).</summary>
    public required Action<RedisException> Failed { get; init; }

    /// <summary>Called once a retry took the subscription, with the attempts it took (the first one included).</summary>
    public Action<int>? SubscribedLate { get; init; }

    /// <summary>Whether Redis took the subscription.</summary>
    public bool IsSubscribed => Volatile.Read(ref _queue) is not null;

    /// <summary>The doubled delay, capped.</summary>
    internal static TimeSpan Longer(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));

    /// <summary>Subscribes now; when Redis does not take it, keeps trying in the background and returns.</summary>
    public async Task StartAsync()
    {
        if (!await TrySubscribeAsync().ConfigureAwait(false))
        {
            _subscribing = SubscribeLaterAsync(_stopping.Token);
        }
    }

    /// <summary>Stops trying, and unsubscribes when subscribed (a Redis that is down is not told).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _subscribing.ConfigureAwait(false);
        if (Volatile.Read(ref _queue) is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Not connected: the registration is removed all the same, only the server was not told.
            }
        }
    }

    /// <summary>
    /// Also ends the retries when the host never stopped the subscription (a later service failed to start). Idempotent:
    /// an owner registered as a hosted service through a factory is disposed by the container once per registration.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        var subscriber = connection.GetSubscriber();
        try
        {
            var queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
            queue.OnMessage(onMessage);
            Volatile.Write(ref _queue, queue);
            return true;
        }
        catch (RedisException ex)
        {
            Failed(ex);
        }

        // StackExchange.Redis registered the failed attempt's queue before it threw, and subscribes it on the server once
        // the connection is up: nobody would read it, and it would buffer every message. Remove it, so that the next
        // attempt's queue is the only one.
        try
        {
            await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Not connected: the registration is removed all the same, only the server was not told.
        }

        return false;
    }

    private async Task SubscribeLaterAsync(CancellationToken stopping)
    {
        var delay = FirstRetryDelay;
        var attempts = 1;
        while (true)
        {
            try
            {
                await Task.Delay(delay, timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            attempts++;
            if (await TrySubscribeAsync().ConfigureAwait(false))
            {
                SubscribedLate?.Invoke(attempts);
                return;
            }

            delay = Longer(delay);
        }
    }
}
