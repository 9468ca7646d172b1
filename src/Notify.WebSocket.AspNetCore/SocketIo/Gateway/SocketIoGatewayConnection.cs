using System.Text.Json;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// A Socket.IO socket of the default namespace as the gateway sees it. Groups are the socket's rooms; the gateway's
/// acceptance is the CONNECT answer, sent once the connection is set up (<see cref="Open"/>), and its refusal
/// CONNECT_ERROR <c>{ message, data: { code } }</c>; closing from the
/// server is a DISCONNECT (the client does not reconnect by itself) and the end of the connection. A request the
/// client sent with an acknowledgment callback is acknowledged with the gateway's answer too.
/// </summary>
internal sealed class SocketIoGatewayConnection(SocketIoSocket socket, JsonSerializerOptions payloadOptions) : IGatewayConnection
{
    private long? _pendingAck;

    public SocketIoSocket Socket { get; } = socket;

    /// <summary>The gateway's session, once the connection was accepted.</summary>
    public GatewaySession? Session { get; set; }

    public string ConnectionId => Socket.Id;

    public CancellationToken Closed => Socket.Disconnected;

    /// <summary>The next answer the gateway sends also acknowledges the client's request <paramref name="ackId"/>.</summary>
    public void AnswerAckWithNextEvent(long? ackId) => _pendingAck = ackId;

    /// <summary>Answers the client's request's acknowledgment, if it asked for one and nothing answered it yet, with no arguments.</summary>
    public void AcknowledgeDone()
    {
        if (_pendingAck is { } id)
        {
            _pendingAck = null;
            Socket.Ack(id, static w =>
            {
                w.WriteStartArray();
                w.WriteEndArray();
            });
        }
    }

    public Task AcceptAsync()
    {
        Socket.Accept(holdUntilOpened: true);
        return Task.CompletedTask;
    }

    /// <summary>The gateway set the connection up: the held CONNECT answer goes out, then what was sent meanwhile.</summary>
    public void Open() => Socket.Open();

    public Task RefuseAsync(GatewayError error)
    {
        Socket.Refuse(error.Message, w =>
        {
            w.WriteStartObject();
            w.WriteString("code"u8, error.Code);
            w.WriteEndObject();
        });
        return Task.CompletedTask;
    }

    public Task SendAsync(string eventName, object payload, CancellationToken cancellationToken)
    {
        Socket.Emit(w =>
        {
            w.WriteStartArray();
            w.WriteStringValue(eventName);
            GatewayPayloadJson.Write(w, payload, payloadOptions);
            w.WriteEndArray();
        });

        if (_pendingAck is { } id && eventName is GatewayEvents.Joined or GatewayEvents.Left or GatewayEvents.Error)
        {
            _pendingAck = null;
            Socket.Ack(id, w =>
            {
                w.WriteStartArray();
                GatewayPayloadJson.Write(w, payload, payloadOptions);
                w.WriteEndArray();
            });
        }

        return Task.CompletedTask;
    }

    public Task AddToGroupAsync(string group, CancellationToken cancellationToken)
    {
        Socket.Join(group);
        return Task.CompletedTask;
    }

    public Task RemoveFromGroupAsync(string group, CancellationToken cancellationToken)
    {
        Socket.Leave(group);
        return Task.CompletedTask;
    }

    public void Abort() => _ = Socket.DisconnectAsync(closeConnection: true).AsTask();
}
