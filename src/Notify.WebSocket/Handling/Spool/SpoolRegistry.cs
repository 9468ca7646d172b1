namespace Notify.WebSocket.Handling.Spool;

/// <summary>Shares one <see cref="IncomingSpool"/> per file among the pipelines of a process, closing it with the last one.</summary>
internal sealed class SpoolRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (IncomingSpool Spool, int Leases)> _open = new(StringComparer.Ordinal);

    public IncomingSpool Acquire(string path)
    {
        lock (_gate)
        {
            var (spool, leases) = _open.TryGetValue(path, out var existing) ? existing : (new IncomingSpool(path), 0);
            _open[path] = (spool, leases + 1);
            return spool;
        }
    }

    public void Release(IncomingSpool spool)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(spool.Path, out var existing) || existing.Spool != spool)
            {
                return;
            }

            if (existing.Leases > 1)
            {
                _open[spool.Path] = (spool, existing.Leases - 1);
                return;
            }

            _open.Remove(spool.Path);
            spool.Dispose();
        }
    }
}
