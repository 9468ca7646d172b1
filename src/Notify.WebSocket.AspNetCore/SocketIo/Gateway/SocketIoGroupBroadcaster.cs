using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.SocketIo.Protocol;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// Delivers a gateway event to the Socket.IO members of a group (the room of the same name): the packet is written
/// once and the same bytes go to every member's connection.
/// </summary>
internal sealed class SocketIoGroupBroadcaster(SocketIoGateway gateway, Microsoft.Extensions.Options.IOptions<SocketIoGatewayOptions> options) : IGroupBroadcaster
{
    private readonly System.Text.Json.JsonSerializerOptions _payloadOptions = options.Value.PayloadSerializerOptions;

    public Task SendToGroupAsync(string group, string eventName, object payload, CancellationToken cancellationToken)
    {
        var frame = EngineFrame.Text(SocketIoPacketWriter.Build(SocketIoPacketType.Event, gateway.Namespace.Name, id: null, attachments: 0, (eventName, payload, _payloadOptions), static (w, s) =>
        {
            w.WriteStartArray();
            w.WriteStringValue(s.eventName);
            GatewayPayloadJson.Write(w, s.payload, s._payloadOptions);
            w.WriteEndArray();
        }));
        foreach (var member in gateway.Namespace.Rooms.Members(group))
        {
            member.Send(new ReadOnlySpan<EngineFrame>(in frame));
        }

        return Task.CompletedTask;
    }
}
