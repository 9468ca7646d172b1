namespace Notify.WebSocket;

/// <summary>
/// Each user's notification inbox, per tenant: the notifications sent to them and to the channels they are members of
/// (since they joined), with read and archived state shared by all their devices. Every change is sent live to the
/// user's connections (<see cref="InboxChange"/>). Registered by <c>AddNotificationInbox</c>; the gateway's
/// <c>MapNotificationInbox</c> serves it over HTTP.
/// </summary>
public interface INotificationInbox
{
    /// <summary>A page of the user's inbox, newest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="query">Filters, page size and cursor; null for the first page of everything not archived.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, a limit out of range, or a cursor this inbox did not make.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxPage> ListAsync(string tenantId, string userId, InboxQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>How many notifications of the user's inbox are unread.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<long> GetUnreadCountAsync(string tenantId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Marks notifications read by id (ids not in the user's inbox are ignored).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="notificationIds">The ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change, as the user's connections receive it.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, or no ids.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxChange> MarkReadAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default);

    /// <summary>Marks notifications unread by id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="notificationIds">The ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, or no ids.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxChange> MarkUnreadAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default);

    /// <summary>Marks read everything in one stream of the user's inbox up to a position.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="stream">The user's own stream, or a channel's the user is a member of.</param>
    /// <param name="position">
    /// The last position to mark read. One beyond the stream's head marks read up to the head: what is stored later stays
    /// unread.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change, with the position marked through.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, a negative position, or a stream of another tenant or user, or of a channel the user is not a member of.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxChange> MarkReadThroughAsync(string tenantId, string userId, NotificationStreamId stream, long position, CancellationToken cancellationToken = default);

    /// <summary>Marks everything in the user's inbox read.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxChange> MarkAllReadAsync(string tenantId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Archives notifications by id: they leave the inbox list and the unread count.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="notificationIds">The ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, or no ids.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxChange> ArchiveAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default);

    /// <summary>Takes notifications out of the archive by id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="notificationIds">The ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, or no ids.</exception>
    /// <exception cref="WebSocketNotificationException">The store is unavailable (<see cref="WebSocketErrorCodes.StoreUnavailable"/>).</exception>
    Task<InboxChange> UnarchiveAsync(string tenantId, string userId, IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken = default);
}
