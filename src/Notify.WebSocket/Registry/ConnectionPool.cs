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

    /// <summary>Leases the connection of <paramref name="key"/>, creating it when it is not open.</summary>
    /// <param name="key">What makes the connection distinct.</param>
    /// <param name="create">Creates the connection.</param>
    /// <param name="owner">Who holds the lease (a provider name and tenant); see <see cref="TryRekey"/>.</param>
    public ConnectionLease<TConnection> Acquire<TConnection>(ConnectionPoolKey key, Func<ConnectionPoolKey, TConnection> create, string owner = "")
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
            entry.Owners.Add(owner);

            // The key's display form parses the url to redact it: not worth doing for a log nobody reads.
            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.PoolConnectionOpened(logger, key.ToString(), entry.Leases);
            }

            return new ConnectionLease<TConnection>(this, (TConnection)entry.Connection, owner);
        }
    }

    /// <summary>
    /// Moves a connection to another key when every lease on it is <paramref name="owner"/>'s (its providers, the
    /// current one and those retiring), so the owner keeps the connection when only its credentials change. Refused
    /// when another owner shares the connection (it keeps the old credentials) or the new key already has one.
    /// </summary>
    public bool TryRekey(PooledConnection connection, ConnectionPoolKey key, string owner)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_disposed
                || !_entries.TryGetValue(connection.Key, out var entry)
                || !ReferenceEquals(entry.Connection, connection)
                || entry.Owners.Any(o => o != owner)
                || _entries.ContainsKey(key))
            {
                return false;
            }

            _entries.Remove(connection.Key);
            connection.Rekey(key);
            _entries[key] = entry;
            return true;
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

    internal async ValueTask ReleaseAsync(PooledConnection connection, string owner)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(connection.Key, out var entry) || !ReferenceEquals(entry.Connection, connection))
            {
                return;
            }

            entry.Owners.Remove(owner);
            if (--entry.Leases > 0)
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

        /// <summary>The owner of every lease, one entry per lease.</summary>
        public List<string> Owners { get; } = [];
    }
}
