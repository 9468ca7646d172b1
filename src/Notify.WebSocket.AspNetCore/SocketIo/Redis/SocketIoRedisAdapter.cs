using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.ScaleOut;
using Notify.WebSocket.AspNetCore.SocketIo.Gateway;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.SocketIo.Redis;

/// <summary>
/// Scale-out of the Socket.IO endpoint in the format of <c>@socket.io/redis-adapter</c>: this instance's broadcasts are
/// published as that adapter publishes them, and broadcasts published by other instances (ours, Node servers with the
/// adapter, <c>@socket.io/redis-emitter</c> processes) reach this instance's clients in the rooms they name. Messages
/// for rooms without a member here are dropped before they are decoded (the channel names the room), our own are
/// recognised by their uid. The adapter's request channel (fetchSockets, serverSideEmit …) is not served.
/// </summary>
internal sealed class SocketIoRedisAdapter : IHostedService, IDisposable
{
    private readonly GatewayRedis _redis;
    private readonly SocketIoGateway _gateway;
    private readonly ILogger _logger;
    private readonly LogThrottle _badMessages;
    private readonly LogThrottle _publishFailures;
    private readonly LogThrottle _subscribeFailures;
    private readonly TimeProvider _timeProvider;
    private readonly string _key;
    private readonly string _prefix;
    private RedisSubscription? _subscription;

    public SocketIoRedisAdapter(GatewayRedis redis, SocketIoGateway gateway, TimeProvider timeProvider, IOptions<SignalRGatewayOptions> options, ILogger<SocketIoRedisAdapter> logger)
    {
        _redis = redis;
        _gateway = gateway;
        _logger = logger;
        _badMessages = new LogThrottle(timeProvider, options.Value.LogThrottleInterval);
        _publishFailures = new LogThrottle(timeProvider, options.Value.LogThrottleInterval);
        _subscribeFailures = new LogThrottle(timeProvider, options.Value.LogThrottleInterval);
        _timeProvider = timeProvider;
        _key = redis.Options.SocketIoKey;
        _prefix = AdapterBroadcast.Channel(_key, gateway.Namespace.Name, room: null);
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        Uid = Convert.ToHexStringLower(bytes);
    }

    /// <summary>This instance's uid in the messages it publishes.</summary>
    public string Uid { get; }

    /// <summary>Whether Redis took the subscription to the other instances' broadcasts (for tests that wait for it).</summary>
    internal bool IsSubscribed => _subscription?.IsSubscribed == true;

    /// <summary>Subscribes to the other instances' broadcasts; a Redis that is down does not stop the host (tried again in the background).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var channel = RedisChannel.Pattern(_prefix + "*");
        _subscription = new RedisSubscription(await _redis.ConnectAsync().ConfigureAwait(false), channel, Receive, _timeProvider)
        {
            Failed = ex =>
            {
                if (_subscribeFailures.TryEnter(out var suppressed))
                {
                    Log.SocketIoAdapterSubscribeFailed(_logger, ex, suppressed);
                }
            },
            SubscribedLate = attempts => Log.SocketIoAdapterSubscribed(_logger, channel.ToString(), attempts),
        };
        await _subscription.StartAsync().ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _subscription?.StopAsync() ?? Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Publishes a broadcast of one event to one room for the other instances.</summary>
    /// <param name="room">The room (a gateway group).</param>
    /// <param name="eventArrayJson">The event's JSON array, its name first.</param>
    public async Task PublishAsync(string room, ReadOnlyMemory<byte> eventArrayJson)
    {
        try
        {
            var message = AdapterBroadcast.Encode(Uid, _gateway.Namespace.Name, room, eventArrayJson.Span);
            var redis = await _redis.ConnectAsync().ConfigureAwait(false);
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(AdapterBroadcast.Channel(_key, _gateway.Namespace.Name, room)), message).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            if (_publishFailures.TryEnter(out var suppressed))
            {
                Log.SocketIoAdapterPublishFailed(_logger, ex, suppressed);
            }
        }
    }

    private void Receive(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        if (!channel.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return;
        }

        var rooms = _gateway.Namespace.Rooms;
        var room = channel.Length > _prefix.Length + 1 ? channel[_prefix.Length..^1] : null;
        if (room is not null && !rooms.Has(room))
        {
            return;
        }

        try
        {
            var broadcast = AdapterBroadcast.Decode((byte[])message.Message!);
            if (broadcast.Uid == Uid || broadcast.Namespace != _gateway.Namespace.Name)
            {
                return;
            }

            rooms.Broadcast(broadcast.Rooms, broadcast.Except, broadcast.ToFrames());
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException)
        {
            _gateway.Diagnostics.ProtocolError("unreadable Redis adapter message", sessionId: null);
            if (_badMessages.TryEnter(out var suppressed))
            {
                Log.SocketIoAdapterBadMessage(_logger, channel, suppressed);
            }
        }
    }
}
