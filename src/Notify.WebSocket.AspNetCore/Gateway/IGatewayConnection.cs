namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// One client connection as the gateway sees it, whatever its transport: the SignalR hub adapts its connections to
/// this, and a Socket.IO endpoint can do the same and share every gateway rule. Lives as long as the connection.
/// </summary>
internal interface IGatewayConnection
{
    /// <summary>The transport's id of the connection.</summary>
    string ConnectionId { get; }

    /// <summary>Cancelled when the connection closes.</summary>
    CancellationToken Closed { get; }

    /// <summary>Sends one event to this client.</summary>
    Task SendAsync(string eventName, object payload, CancellationToken cancellationToken);

    /// <summary>Adds the connection to a (tenant-scoped) group.</summary>
    Task AddToGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Removes the connection from a group.</summary>
    Task RemoveFromGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Closes the connection from the server side.</summary>
    void Abort();
}
