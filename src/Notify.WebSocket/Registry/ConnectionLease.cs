namespace Notify.WebSocket.Registry;

/// <summary>One provider's share of a pooled connection. Disposing it releases the share; the last release closes the connection.</summary>
/// <typeparam name="TConnection">The transport's connection type.</typeparam>
internal sealed class ConnectionLease<TConnection> : IAsyncDisposable
    where TConnection : PooledConnection
{
    private readonly ConnectionPool _pool;
    private int _released;

    internal ConnectionLease(ConnectionPool pool, TConnection connection, string owner)
    {
        _pool = pool;
        Connection = connection;
        Owner = owner;
    }

    public TConnection Connection { get; }

    /// <summary>Who holds the lease (a provider name and tenant).</summary>
    public string Owner { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? _pool.ReleaseAsync(Connection, Owner) : ValueTask.CompletedTask;
}
