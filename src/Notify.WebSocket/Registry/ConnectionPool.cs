using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Registry;

/// <summary>
/// One physical connection per <see cref="ConnectionPoolKey"/>, shared by reference count: acquiring a key that is
/// open hands out another lease on the same connection; releasing the last lease closes it.
/// </summary>
internal sealed class ConnectionPool(ILogger logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ConnectionPoolKey, Entry> _entries = [];
    private bool _disposed;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ConnectionLease<TConnection> Acquire<TConnection>(ConnectionPoolKey key, Func<ConnectionPoolKey, TConnection> create)
        where TConnection : PooledConnection
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry(create(key));
                _entries[key] = entry;
            }

            entry.Leases++;

            // The key's display form parses the url to redact it: not worth doing for a log nobody reads.
            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.PoolConnectionOpened(logger, key.ToString(), entry.Leases);
            }

            return new ConnectionLease<TConnection>(this, (TConnection)entry.Connection);
        }
    }

    /// <summary>How many leases a key has (0 when it is not open).</summary>
    public int LeaseCount(ConnectionPoolKey key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.Leases : 0;
        }
    }

    internal async ValueTask ReleaseAsync(PooledConnection connection)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(connection.Key, out var entry) || !ReferenceEquals(entry.Connection, connection) || --entry.Leases > 0)
            {
                return;
            }

            _entries.Remove(connection.Key);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.PoolConnectionClosed(logger, connection.Key.ToString());
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        List<PooledConnection> connections;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connections = [.. _entries.Values.Select(e => e.Connection)];
            _entries.Clear();
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Entry(PooledConnection connection)
    {
        public PooledConnection Connection { get; } = connection;

        public int Leases { get; set; }
    }
}
