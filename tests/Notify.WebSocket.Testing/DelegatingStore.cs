using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Testing;

/// <summary>A real store underneath, with the calls a test needs to hold overridden.</summary>
public abstract class DelegatingStore(INotificationStore inner) : INotificationStore
{
    protected INotificationStore Inner => inner;

    /// <summary>
    /// Awaits a call of the store underneath; then, when <paramref name="takeHold"/> gives a hold, signals that the call
    /// has reached the store and returns only once the test releases it (its result is then stale).
    /// </summary>
    protected static async Task<T> ThenHoldAsync<T>(Task<T> call, Func<Hold?> takeHold)
    {
        var result = await call;
        if (takeHold() is { } hold)
        {
            hold.Reached();
            await hold.Released;
        }

        return result;
    }

    public virtual Task<IReadOnlyList<StoredNotification>> ReadAsync(NotificationStreamId stream, long afterPosition, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stream, afterPosition, limit, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<NotificationRecord> records, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(records, cancellationToken);

    public virtual Task<StreamBounds> GetBoundsAsync(NotificationStreamId stream, CancellationToken cancellationToken = default) => inner.GetBoundsAsync(stream, cancellationToken);

    public virtual Task<long> JoinAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default) => inner.JoinAsync(stream, userId, cancellationToken);

    public Task LeaveAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default) => inner.LeaveAsync(stream, userId, cancellationToken);

    public Task<long?> GetMembershipAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default) =>
        inner.GetMembershipAsync(stream, userId, cancellationToken);

    public Task<IReadOnlyList<StreamPosition>> GetHeadsAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        inner.GetHeadsAsync(tenantId, userId, cancellationToken);

    public Task<StoredInboxPage> ListAsync(string tenantId, string userId, InboxQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(tenantId, userId, query, cancellationToken);

    public virtual Task<long> CountUnreadAsync(string tenantId, string userId, CancellationToken cancellationToken = default) => inner.CountUnreadAsync(tenantId, userId, cancellationToken);

    public Task<IReadOnlyList<string>> SetMarkAsync(string tenantId, string userId, IReadOnlyCollection<string> ids, InboxMark mark, bool value, CancellationToken cancellationToken = default) =>
        inner.SetMarkAsync(tenantId, userId, ids, mark, value, cancellationToken);

    public Task<IReadOnlyList<StreamPosition>> MarkReadThroughAsync(string tenantId, string userId, StreamPosition? through, CancellationToken cancellationToken = default) =>
        inner.MarkReadThroughAsync(tenantId, userId, through, cancellationToken);

    public Task<long> TrimAsync(DateTimeOffset createdBefore, int maxPerStream, CancellationToken cancellationToken = default) => inner.TrimAsync(createdBefore, maxPerStream, cancellationToken);
}
