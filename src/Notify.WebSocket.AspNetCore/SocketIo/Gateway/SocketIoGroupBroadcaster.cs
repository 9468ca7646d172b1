using System.Text.Json;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.SocketIo.Protocol;
using Notify.WebSocket.AspNetCore.SocketIo.Redis;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// Delivers a gateway event to the Socket.IO members of a group (the room of the same name): the packet is written
/// once and the same bytes go to every member's connection on this instance; with the Redis adapter it is also
/// published, in the adapter's format, for the other instances (ours or Node).
/// </summary>
internal sealed class SocketIoGroupBroadcaster(SocketIoGateway gateway, IOptions<WebSocketNotificationsJsonOptions> json, IEnumerable<SocketIoRedisAdapter> adapters) : IGroupBroadcaster
{
    /// <summary>The header of an EVENT of the default namespace, <c>42</c>: what precedes the event's JSON array.</summary>
    private const int EventHeaderLength = 2;

    private readonly JsonSerializerOptions _payloadOptions = json.Value.PayloadSerializerOptions;
    private readonly SocketIoRedisAdapter? _adapter = adapters.FirstOrDefault();

    public Task SendToGroupAsync(string group, string eventName, object payload, CancellationToken cancellationToken)
    {
        var packet = SocketIoPacketWriter.Build(SocketIoPacketType.Event, gateway.Namespace.Name, id: null, attachments: 0, (eventName, payload, _payloadOptions), static (w, s) =>
        {
            w.WriteStartArray();
            w.WriteStringValue(s.eventName);
            GatewayPayloadJson.Write(w, s.payload, s._payloadOptions);
            w.WriteEndArray();
        });
        var frame = EngineFrame.Text(packet);
        foreach (var member in gateway.Namespace.Rooms.Members(group))
        {
            member.Send(new ReadOnlySpan<EngineFrame>(in frame));
        }

        return _adapter is null ? Task.CompletedTask : _adapter.PublishAsync(group, packet.AsMemory(EventHeaderLength));
    }
}
