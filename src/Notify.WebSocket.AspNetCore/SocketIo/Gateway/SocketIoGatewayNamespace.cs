using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Inbox;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// The gateway on Socket.IO's default namespace: the spec's client protocol (<c>channel:join</c> and
/// <c>channel:leave</c> with <c>{ channelName }</c>; <c>notification:new</c>, <c>channel:joined</c>,
/// <c>channel:left</c>, <c>error</c> back) with every rule of <see cref="GatewayConnectionHandler"/>, which the SignalR
/// hub shares. With the notification inbox, a client connects with <c>auth.positions</c> (or a <c>positions</c> query
/// parameter) to replay what it missed first, and sends <c>inbox:read</c>, <c>inbox:unread</c>, <c>inbox:archive</c>
/// and <c>inbox:unarchive</c>. Other events are ignored.
/// </summary>
internal sealed class SocketIoGatewayNamespace(
    GatewayConnectionHandler handler,
    SocketIoAuthenticator authenticator,
    IServiceScopeFactory scopes,
    IOptions<WebSocketNotificationsJsonOptions> json) : SocketIoNamespace("/")
{
    private static readonly string[] InboxRequests = [GatewayEvents.InboxRead, GatewayEvents.InboxUnread, GatewayEvents.InboxArchive, GatewayEvents.InboxUnarchive];

    private readonly JsonSerializerOptions _payloadOptions = json.Value.PayloadSerializerOptions;

    public override async ValueTask OnConnectAsync(SocketIoSocket socket, JsonElement? auth)
    {
        var opening = socket.Client.OpenState as SocketIoOpening;
        var handshake = auth is { ValueKind: JsonValueKind.Object } payload ? payload : default;

        // The handshake's auth.token wins over what the opening request carried (header, access_token, cookies).
        // A token that is no text (an escaped lone surrogate) is a token that fails, not a failed handshake.
        var authentication = handshake.ValueKind == JsonValueKind.Object
                && handshake.TryGetProperty("token"u8, out var token) && token.ValueKind == JsonValueKind.String
            ? await authenticator.AuthenticateTokenAsync(JsonText.TryGetString(token, out var text) ? text : string.Empty).ConfigureAwait(false)
            : opening?.Authentication ?? SocketIoAuthentication.Anonymous;

        // With the inbox: the last position seen of each stream, from auth.positions (a client's auth callback gives
        // the current ones on every reconnect) or else the opening request's positions query parameter.
        object? positions = handshake.ValueKind == JsonValueKind.Object && handshake.TryGetProperty(PositionsReader.Parameter, out var given) && given.ValueKind != JsonValueKind.Null
            ? given.Clone()
            : opening?.Positions;
        var connection = new SocketIoGatewayConnection(socket, _payloadOptions);
        socket.State = connection;
        try
        {
            connection.Session = await handler.ConnectAsync(connection, authentication.User, authentication.ExpiresAt, positions).ConfigureAwait(false);
        }
        finally
        {
            // The client's connect only now: its groups, presence, inbox followers and default channels are in place.
            connection.Open();
        }
    }

    public override async ValueTask OnEventAsync(SocketIoSocket socket, SocketIoEvent message)
    {
        if (socket.State is not SocketIoGatewayConnection connection)
        {
            return;
        }

        var join = message.Is(GatewayEvents.Join);
        var inboxRequest = InboxRequests.FirstOrDefault(message.Is);
        if (!join && inboxRequest is null && !message.Is(GatewayEvents.Leave))
        {
            return;
        }

        connection.AnswerAckWithNextEvent(message.AckId);
        try
        {
            object? request = message.FirstArgument;
            if (join)
            {
                var scope = scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    await handler.JoinAsync(connection, connection.Session, request, scope.ServiceProvider).ConfigureAwait(false);
                }
            }
            else if (inboxRequest is not null)
            {
                // A refusal answers the acknowledgment with its error; a change made answers it with no arguments (the
                // change itself reaches every connection of the user as inbox:updated).
                await handler.InboxAsync(connection, connection.Session, inboxRequest, request).ConfigureAwait(false);
                connection.AcknowledgeDone();
            }
            else
            {
                await handler.LeaveAsync(connection, connection.Session, request).ConfigureAwait(false);
            }
        }
        finally
        {
            connection.AnswerAckWithNextEvent(null);
        }
    }

    public override async ValueTask OnDisconnectAsync(SocketIoSocket socket, string reason)
    {
        if (socket.State is SocketIoGatewayConnection { Session: { } session })
        {
            await handler.DisconnectAsync(session).ConfigureAwait(false);
        }
    }
}
