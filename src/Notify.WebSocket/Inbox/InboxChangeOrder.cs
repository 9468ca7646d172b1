namespace Notify.WebSocket.Inbox;

/// <summary>
/// Runs a step of one user's inbox changes one at a time (the journal's "read the unread count, then publish"): in
/// order, the last count a device gets was read after every write that came before it. Users are spread over a fixed
/// set of gates, so two users may share one.
/// </summary>
internal sealed class InboxChangeOrder
{
    private const int Gates = 64;
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, Gates).Select(_ => new SemaphoreSlim(1, 1))];
    private int _waiting;

    /// <summary>How many changes wait for another of their gate to finish (for tests).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    public async Task<TResult> RunAsync<TResult>(string tenantId, string userId, Func<CancellationToken, Task<TResult>> step, CancellationToken cancellationToken)
    {
        var hash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(tenantId), StringComparer.Ordinal.GetHashCode(userId));
        var gate = _gates[(uint)hash % Gates];
        if (!gate.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        try
        {
            return await step(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
