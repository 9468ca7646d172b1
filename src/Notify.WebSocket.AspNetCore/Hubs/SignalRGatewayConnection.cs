using Microsoft.AspNetCore.SignalR;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>A SignalR connection as the gateway sees it; made once per connection and kept in its <c>Items</c>.</summary>
internal sealed class SignalRGatewayConnection(HubCallerContext context, NotificationHubClients hub) : IGatewayConnection
{
    private readonly ISingleClientProxy _client = hub.Clients.Client(context.ConnectionId);

    public string ConnectionId => context.ConnectionId;

    public CancellationToken Closed => context.ConnectionAborted;

    public Task AcceptAsync() => Task.CompletedTask;

    /// <summary>The <c>error</c> event, then the close (SignalR has no refusal in its handshake once the hub is reached).</summary>
    public async Task RefuseAsync(GatewayError error)
    {
        try
        {
            await _client.SendAsync(GatewayEvents.Error, error, context.ConnectionAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.ConnectionAborted.IsCancellationRequested)
        {
        }
        finally
        {
            context.Abort();
        }
    }

    public Task SendAsync(string eventName, object payload, CancellationToken cancellationToken) =>
        _client.SendAsync(eventName, hub.Outgoing(payload), cancellationToken);

    public Task AddToGroupAsync(string group, CancellationToken cancellationToken) =>
        hub.Groups.AddToGroupAsync(context.ConnectionId, group, cancellationToken);

    public Task RemoveFromGroupAsync(string group, CancellationToken cancellationToken) =>
        hub.Groups.RemoveFromGroupAsync(context.ConnectionId, group, cancellationToken);

    public void Abort() => context.Abort();
}
