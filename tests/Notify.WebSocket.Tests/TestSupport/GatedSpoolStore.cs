using Notify.WebSocket.Handling.Spool.AppendLog;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>
/// The real log spool behind a gate: while the gate is closed, every write waits, as on a disk that stalls. A seam at
/// the storage interface, so tests can hold messages short of durability and see what waits for it.
/// </summary>
internal sealed class GatedSpoolStore : IMessageSpoolStore, IDisposable
{
    private readonly LogSpoolStore _inner = new();
    private readonly ManualResetEventSlim _open = new(initialState: true);

    public void Close() => _open.Reset();

    public void Open() => _open.Set();

    public void Dispose() => _open.Dispose();

    public string GetLocation(MessageHandlingOptions options) => _inner.GetLocation(options);

    public bool Exists(string location) => _inner.Exists(location);

    public IMessageSpool Open(string location) => new Gated(_inner.Open(location), _open);

    private sealed class Gated(IMessageSpool inner, ManualResetEventSlim open) : IMessageSpool
    {
        public IReadOnlyList<SpoolInsertOutcome> Apply(IReadOnlyList<SpoolInsert> inserts, IReadOnlyList<SpoolUpdate> updates, IReadOnlyList<SpoolKey> removals, long capacity)
        {
            open.Wait(TimeSpan.FromSeconds(60));
            return inner.Apply(inserts, updates, removals, capacity);
        }

        public IReadOnlyList<SpooledMessage> ReadPending(string owner) => inner.ReadPending(owner);

        public bool HasPending(string owner) => inner.HasPending(owner);

        public void Dispose() => inner.Dispose();
    }
}
