namespace Notify.WebSocket.Registry;

/// <summary>
/// A physical connection the <see cref="ConnectionPool"/> shares between providers. Transports (native WebSocket,
/// Socket.IO) derive from it; the pool only needs its key, its state and its disposal, so a new transport plugs in
/// without the pool or the registry changing.
/// </summary>
internal abstract class PooledConnection : IAsyncDisposable
{
    protected PooledConnection(ConnectionPoolKey key) => Key = key;

    public ConnectionPoolKey Key { get; private set; }

    /// <summary>The pool moved the connection to another key (its credentials were rotated in place).</summary>
    internal void Rekey(ConnectionPoolKey key) => Key = key;

    public abstract WebSocketConnectionState State { get; }

    public abstract ValueTask DisposeAsync();
}
