namespace Notify.WebSocket.External;

/// <summary>What a <see cref="ConnectionSupervisor"/> drives: one connection attempt at a time, and what to do with the work when it drops or gives up.</summary>
internal interface ISupervisedConnection
{
    /// <summary>How logs name the connection (never a secret).</summary>
    string Endpoint { get; }

    /// <summary>Whether someone listens on the connection (receive subscribers or channels), so it should come back by itself after giving up.</summary>
    bool WantsConnection { get; }

    /// <summary>Opens a socket and catches it up (channels, unacknowledged messages, the queue); throws when the attempt fails.</summary>
    /// <param name="attempt">The attempt since the connection was opened or last connected (1 for the first).</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    Task ConnectAsync(int attempt, CancellationToken cancellationToken);

    /// <summary>Reads until the socket drops.</summary>
    Task ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>The socket is gone; queued and unacknowledged work waits for the next one.</summary>
    void OnDropped(WebSocketNotificationError reason);

    /// <summary>The supervisor gave up for now: fail the work that waits, with <paramref name="error"/>.</summary>
    Task OnFailedAsync(WebSocketNotificationError error);
}
