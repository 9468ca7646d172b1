using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// Shares one open spool per location among the pipelines of a process, closing it with the last one. The spool
/// itself comes from the registered <see cref="IMessageSpoolStore"/> (<c>.AddSqlite()</c>); without one, no pipeline can
/// start, which validation reports at host start.
/// </summary>
internal sealed class SpoolRegistry(IMessageSpoolStore? store)
{
    public const string MissingStore =
        "incoming messages wait in a durable spool until every strategy has handled them, and the spool needs the Notify.WebSocket.Sqlite package; add it and call .AddSqlite() on the builder AddWebSocketNotifications returns.";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (SharedSpool Spool, int Leases)> _open = new(StringComparer.Ordinal);

    /// <summary>The spool of <paramref name="options"/>, opened (and created) when no pipeline holds it yet.</summary>
    public SharedSpool Acquire(MessageHandlingOptions options)
    {
        var spools = store ?? throw new InvalidOperationException("The incoming pipeline cannot start: " + MissingStore);
        return Acquire(spools.GetLocation(options), spools);
    }

    /// <summary>The spool of <paramref name="options"/> when one exists (messages may be left in it), without creating one.</summary>
    public SharedSpool? AcquireExisting(MessageHandlingOptions options)
    {
        if (store is null)
        {
            return null;
        }

        var location = store.GetLocation(options);
        lock (_gate)
        {
            return _open.ContainsKey(location) || store.Exists(location) ? Acquire(location, store) : null;
        }
    }

    public void Release(SharedSpool spool)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(spool.Location, out var existing) || existing.Spool != spool)
            {
                return;
            }

            if (existing.Leases > 1)
            {
                _open[spool.Location] = (spool, existing.Leases - 1);
                return;
            }

            _open.Remove(spool.Location);
            spool.Dispose();
        }
    }

    private SharedSpool Acquire(string location, IMessageSpoolStore spools)
    {
        lock (_gate)
        {
            var (spool, leases) = _open.TryGetValue(location, out var existing) ? existing : (new SharedSpool(location, spools.Open(location)), 0);
            _open[location] = (spool, leases + 1);
            return spool;
        }
    }
}
