namespace Notify.WebSocket.Storage;

/// <summary>
/// Where the notification inbox keeps notifications and each user's state of them: the streams (a user's, a channel's)
/// with dense positions, channel memberships, read and archived state, retention. The built-in store works on any
/// ADO.NET provider with a SQLite or PostgreSQL dialect (SQLite from <c>Notify.WebSocket.Sqlite</c>'s <c>.AddSqlite()</c>,
/// PostgreSQL from <c>.AddDatabaseProvider("postgresql", NpgsqlFactory.Instance)</c>); register your own implementation
/// as a singleton before <c>AddNotificationInbox</c> to keep them elsewhere.
/// </summary>
/// <remarks>
/// Contract: every method is safe to call concurrently, also from several processes sharing the database. Positions in
/// a stream are 1, 2, 3 … without gaps, in the order the appends committed, and never reused (trimming old ones does
/// not lower the head). A successful <see cref="AppendAsync"/> is durable. Failures throw; the inbox turns them into
/// <see cref="WebSocketErrorCodes.StoreUnavailable"/>.
/// </remarks>
public interface INotificationStore
{
    /// <summary>Creates the schema when it does not exist (idempotent; called once before any other method).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the schema exists.</returns>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores notifications in one transaction, each at the next position of its stream (in list order within a
    /// stream). A record whose id its stream already has is not stored again: its outcome carries the stored position.
    /// </summary>
    /// <param name="records">The notifications.</param>
    /// <param name="cancellationToken">Cancels the call (before the commit).</param>
    /// <returns>Per record, in order, where it landed.</returns>
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<NotificationRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The notifications of a stream after a position, in position order.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="afterPosition">Only positions above this one.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notifications.</returns>
    Task<IReadOnlyList<StoredNotification>> ReadAsync(NotificationStreamId stream, long afterPosition, int limit, CancellationToken cancellationToken = default);

    /// <summary>The oldest retained position and the head of a stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bounds.</returns>
    Task<StreamBounds> GetBoundsAsync(NotificationStreamId stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a user a member of a channel's stream, from its current head on (notifications stored before do not
    /// belong to the user); a member stays a member from where it joined first.
    /// </summary>
    /// <param name="stream">The channel's stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The position the membership starts after.</returns>
    Task<long> JoinAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default);

    /// <summary>Ends a user's membership of a channel's stream (the channel's notifications leave the user's inbox).</summary>
    /// <param name="stream">The channel's stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the membership is gone.</returns>
    Task LeaveAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default);

    /// <summary>The position a user's membership of a channel's stream starts after; null when the user is not a member.</summary>
    /// <param name="stream">The channel's stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The position, or null.</returns>
    Task<long?> GetMembershipAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default);

    /// <summary>The streams in a user's inbox (theirs and the channels they are a member of) with each one's head.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The streams and heads (the user's own stream is always there, with head 0 before anything was stored).</returns>
    Task<IReadOnlyList<StreamPosition>> GetHeadsAsync(string tenantId, string userId, CancellationToken cancellationToken = default);

    /// <summary>A page of a user's inbox: their stream and their channels' since they joined, newest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="query">Filters, page size and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The cursor is not one this store made.</exception>
    Task<StoredInboxPage> ListAsync(string tenantId, string userId, InboxQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many notifications in a user's inbox are unread (archived ones not counted).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    Task<long> CountUnreadAsync(string tenantId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Sets or clears a mark on notifications of a user's inbox, by id; ids not in the inbox are ignored.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="ids">The notification ids.</param>
    /// <param name="mark">Which mark.</param>
    /// <param name="value">Set or clear.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids that are in the inbox (and now have the mark as asked).</returns>
    Task<IReadOnlyList<string>> SetMarkAsync(string tenantId, string userId, IReadOnlyCollection<string> ids, InboxMark mark, bool value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks read every notification of a user's inbox up to a position of one stream, or, with no stream, everything
    /// in the inbox now.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="through">The stream and the last position to mark read; null for every stream of the inbox.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The streams and positions marked read through: the one given, or each stream of the inbox with its head then (read
    /// in the same transaction, so a notification stored after it stays unread).
    /// </returns>
    Task<IReadOnlyList<StreamPosition>> MarkReadThroughAsync(string tenantId, string userId, StreamPosition? through, CancellationToken cancellationToken = default);

    /// <summary>Removes notifications stored before a time, and those more than a count below their stream's head.</summary>
    /// <param name="createdBefore">Remove what was created before this.</param>
    /// <param name="maxPerStream">Keep at most this many per stream, 1 or more (each stream keeps its newest).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many notifications were removed.</returns>
    Task<long> TrimAsync(DateTimeOffset createdBefore, int maxPerStream, CancellationToken cancellationToken = default);
}
