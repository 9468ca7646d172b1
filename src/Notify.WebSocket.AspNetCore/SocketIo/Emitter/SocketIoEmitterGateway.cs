using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.ScaleOut;
using Notify.WebSocket.AspNetCore.SocketIo.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.Protocol;
using Notify.WebSocket.AspNetCore.SocketIo.Redis;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.SocketIo.Emitter;

/// <summary>
/// The <see cref="INotificationGateway"/> of a service without clients of its own: each send is published to the
/// Socket.IO cluster's Redis as <c>@socket.io/redis-emitter</c> publishes (uid <c>emitter</c>), to the room the
/// templates name, with the configured event. The Node servers deliver it to their sockets in that room. The emitter
/// sees no sockets: the count it returns is the number of servers that received the broadcast (Redis PUBLISH), so 0
/// means no server of the cluster is listening.
/// </summary>
internal sealed class SocketIoEmitterGateway : INotificationGateway, IHostedService, IAsyncDisposable
{
    private const string EmitterUid = "emitter";

    private readonly SocketIoEmitterOptions _options;
    private readonly JsonSerializerOptions _payloadOptions;
    private readonly GatewayRedis _redis;

    public SocketIoEmitterGateway(IOptions<SocketIoEmitterOptions> options, IOptions<WebSocketNotificationsJsonOptions> json)
    {
        _options = options.Value;
        _payloadOptions = json.Value.PayloadSerializerOptions;
        _redis = new GatewayRedis(new RedisScaleOutOptions { Configuration = _options.Configuration });
    }

    public ValueTask<int> SendToUserAsync(string tenantId, string userId, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return PublishAsync(Room(_options.UserRoom, tenantId, "{userId}", userId), payload, cancellationToken);
    }

    public ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return PublishAsync(Room(_options.ChannelRoom, tenantId, "{channel}", ChannelNames.Normalize(channel)), payload, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => _redis.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    /// <summary>
    /// The tenant goes in escaped as the gateway's own group names escape it (<c>%</c>, <c>:</c>): a tenant id holding
    /// <c>:channel:</c> cannot name another tenant's room, it names a room no socket was put in.
    /// </summary>
    private static string Room(string template, string tenantId, string placeholder, string value) =>
        template.Replace("{tenantId}", GroupNames.Escape(tenantId), StringComparison.Ordinal).Replace(placeholder, value, StringComparison.Ordinal);

    private async ValueTask<int> PublishAsync(string room, NotificationPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        var json = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(json, SocketIoPacketWriter.WriterOptions))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(_options.EventName);
            GatewayPayloadJson.Write(writer, payload, _payloadOptions);
            writer.WriteEndArray();
        }

        var message = AdapterBroadcast.Encode(EmitterUid, _options.Namespace, room, json.WrittenSpan);
        var redis = await _redis.ConnectAsync().ConfigureAwait(false);
        var servers = await redis.GetSubscriber()
            .PublishAsync(RedisChannel.Literal(AdapterBroadcast.Channel(_options.Key, _options.Namespace, room)), message)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return (int)Math.Min(servers, int.MaxValue);
    }
}
