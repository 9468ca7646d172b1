using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// The gateway on Socket.IO's default namespace: the spec's client protocol (<c>channel:join</c> and
/// <c>channel:leave</c> with <c>{ channelName }</c>; <c>notification:new</c>, <c>channel:joined</c>,
/// <c>channel:left</c>, <c>error</c> back) with every rule of <see cref="GatewayConnectionHandler"/>, which the SignalR
/// hub shares. Other events are ignored.
/// </summary>
internal sealed class SocketIoGatewayNamespace(
    GatewayConnectionHandler handler,
    SocketIoAuthenticator authenticator,
    IServiceScopeFactory scopes,
    IOptions<WebSocketNotificationsJsonOptions> json) : SocketIoNamespace("/")
{
    private readonly JsonSerializerOptions _payloadOptions = json.Value.PayloadSerializerOptions;

    public override async ValueTask OnConnectAsync(SocketIoSocket socket, JsonElement? auth)
    {
        // The handshake's auth.token wins over what the opening request carried (header, access_token, cookies).
        var authentication = auth is { ValueKind: JsonValueKind.Object } payload
                && payload.TryGetProperty("token"u8, out var token) && token.ValueKind == JsonValueKind.String
            ? await authenticator.AuthenticateTokenAsync(token.GetString()!).ConfigureAwait(false)
            : socket.Client.OpenState as SocketIoAuthentication ?? SocketIoAuthentication.Anonymous;

        // Replay of missed notifications (the durable inbox) hooks in here: a position the client sends in the same
        // auth payload is read beside the token and handed to the gateway's connect with the identity.
        var connection = new SocketIoGatewayConnection(socket, _payloadOptions);
        socket.State = connection;
        connection.Session = await handler.ConnectAsync(connection, authentication.User, authentication.ExpiresAt).ConfigureAwait(false);
    }

    public override async ValueTask OnEventAsync(SocketIoSocket socket, SocketIoEvent message)
    {
        if (socket.State is not SocketIoGatewayConnection connection)
        {
            return;
        }

        var join = message.Is(GatewayEvents.Join);
        if (!join && !message.Is(GatewayEvents.Leave))
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
