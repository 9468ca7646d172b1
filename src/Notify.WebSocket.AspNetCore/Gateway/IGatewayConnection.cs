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

    /// <summary>
    /// The gateway accepted the connection (identity, expiry and limits passed), before it joins any group or sends
    /// anything. A transport whose handshake waits for the server's answer (Socket.IO's CONNECT) may keep that answer,
    /// and what is sent meanwhile, until the connection is set up, so that a client that sees itself connected is
    /// already reached by every send.
    /// </summary>
    Task AcceptAsync();

    /// <summary>
    /// The gateway refuses the connection: SignalR sends the <c>error</c> event and closes; Socket.IO answers the
    /// handshake with CONNECT_ERROR (<c>connect_error</c> in the client, which then does not reconnect by itself).
    /// </summary>
    Task RefuseAsync(GatewayError error);

    /// <summary>Sends one event to this client.</summary>
    Task SendAsync(string eventName, object payload, CancellationToken cancellationToken);

    /// <summary>Adds the connection to a (tenant-scoped) group.</summary>
    Task AddToGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Removes the connection from a group.</summary>
    Task RemoveFromGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Closes the connection from the server side.</summary>
    void Abort();
}
