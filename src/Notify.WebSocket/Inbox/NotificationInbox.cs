using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// The host's inbox API over the journal's store: lists and counts per user, and read/archived changes, each published
/// to the user's connections (through the journal's listeners) with the unread count after it.
/// </summary>
internal sealed class NotificationInbox(NotificationJournal journal) : INotificationInbox
{
    public async Task<InboxPage> ListAsync(string tenantId, string userId, InboxQuery? query = null, CancellationToken cancellationToken = default)
    {
        CheckUser(tenantId, userId);
        query ??= new InboxQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, InboxQuery.MaxLimit, nameof(query));
        if (query.Channel is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(query.Channel, nameof(query));
        }

        if (query.Cursor is { } cursor)
        {
            InboxCursor.Parse(cursor);
        }

        // Heads first, for a store that does not read them with the page: a client that connects with them misses
        // nothing stored after the page was read (it may replay some of the page). The built-in store reads both in one
        // snapshot, and those heads are used.
        var heads = journal.Store is AdoNetNotificationStore
            ? null
            : await journal.CallAsync(static (store, a, ct) => store.GetHeadsAsync(a.tenantId, a.userId, ct), (tenantId, userId), "inbox read", cancellationToken).ConfigureAwait(false);
        var page = await journal.CallAsync(static (store, a, ct) => store.ListAsync(a.tenantId, a.userId, a.query, ct), (tenantId, userId, query), "inbox read", cancellationToken).ConfigureAwait(false);
        heads = page.Heads ?? heads ?? throw new InvalidOperationException("The built-in inbox store returned a page without the heads it reads with it.");
        return new InboxPage
        {
            Items = [.. page.Entries.Select(e => new InboxItem { Notification = NotificationJournal.Deserialize(e.Notification, e.Notification.Stream.ToString()), Read = e.Read, Archived = e.Archived })],
            NextCursor = page.NextCursor,
            Positions = heads.ToDictionary(h => h.Stream.ToString(), h => h.Position, StringComparer.Ordinal),
        };
    }

    public Task<long> GetUnreadCountAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        CheckUser(tenantId, userId);
        return journal.CountUnreadAsync(tenantId, userId, cancellationToken);
    }

    public Task<InboxChange> MarkReadAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default) =>
        MarkAsync(tenantId, userId, notificationIds, InboxMark.Read, value: true, InboxChangeKind.Read, cancellationToken);

    public Task<InboxChange> MarkUnreadAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default) =>
        MarkAsync(tenantId, userId, notificationIds, InboxMark.Read, value: false, InboxChangeKind.Unread, cancellationToken);

    public Task<InboxChange> ArchiveAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default) =>
        MarkAsync(tenantId, userId, notificationIds, InboxMark.Archived, value: true, InboxChangeKind.Archived, cancellationToken);

    public Task<InboxChange> UnarchiveAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default) =>
        MarkAsync(tenantId, userId, notificationIds, InboxMark.Archived, value: false, InboxChangeKind.Unarchived, cancellationToken);

    public async Task<InboxChange> MarkReadThroughAsync(string tenantId, string userId, NotificationStreamId stream, long position, CancellationToken cancellationToken = default)
    {
        CheckUser(tenantId, userId);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (stream.TenantId != tenantId || (stream.Kind == NotificationStreamKind.User && stream.Name != userId))
        {
            throw new ArgumentException($"The stream {stream} is not in the inbox of user {userId} of tenant {tenantId}.", nameof(stream));
        }

        if (stream.Kind == NotificationStreamKind.Channel && await journal.GetMembershipAsync(stream, userId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ArgumentException($"User {userId} is not a member of the channel {stream.Name}: its stream is not in their inbox.", nameof(stream));
        }

        // Nothing beyond the head exists yet: a position past it (a client's stale or made-up one) would otherwise mark
        // what is stored later as read before anyone saw it. The head only grows, so what is stored after this read of
        // it stays unread.
        var through = Math.Min(position, (await journal.GetBoundsAsync(stream, cancellationToken).ConfigureAwait(false)).Head);
        await journal.CallAsync(
            static (store, a, ct) => store.MarkReadThroughAsync(a.tenantId, a.userId, new StreamPosition(a.stream, a.through), ct),
            (tenantId, userId, stream, through),
            "inbox write",
            cancellationToken).ConfigureAwait(false);
        return await PublishAsync(tenantId, userId, new InboxChange { Kind = InboxChangeKind.ReadThrough, Stream = stream.ToString(), Position = through }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<InboxChange> MarkAllReadAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        CheckUser(tenantId, userId);
        var heads = await journal.CallAsync(
            static (store, a, ct) => store.MarkReadThroughAsync(a.tenantId, a.userId, through: null, ct),
            (tenantId, userId),
            "inbox write",
            cancellationToken).ConfigureAwait(false);
        var positions = new Dictionary<string, long>(heads.Count, StringComparer.Ordinal);
        foreach (var (stream, position) in heads)
        {
            positions[stream.ToString()] = position;
        }

        return await PublishAsync(tenantId, userId, new InboxChange { Kind = InboxChangeKind.ReadAll, Positions = positions }, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckUser(string tenantId, string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
    }

    private async Task<InboxChange> MarkAsync(string tenantId, string userId, IReadOnlyCollection<string> ids, InboxMark mark, bool value, InboxChangeKind kind, CancellationToken cancellationToken)
    {
        CheckUser(tenantId, userId);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0 || ids.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give at least one notification id, and no empty one.", nameof(ids));
        }

        var changed = await journal.CallAsync(static (store, a, ct) => store.SetMarkAsync(a.tenantId, a.userId, a.ids, a.mark, a.value, ct), (tenantId, userId, ids, mark, value), "inbox write", cancellationToken).ConfigureAwait(false);
        return await PublishAsync(tenantId, userId, new InboxChange { Kind = kind, Ids = changed }, cancellationToken).ConfigureAwait(false);
    }

    private Task<InboxChange> PublishAsync(string tenantId, string userId, InboxChange change, CancellationToken cancellationToken) =>
        journal.PublishCountedAsync(tenantId, userId, change, cancellationToken);
}
