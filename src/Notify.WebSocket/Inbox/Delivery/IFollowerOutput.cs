// Compiled into Notify.WebSocket and, linked, into Notify.WebSocket.AspNetCore (as LogThrottle is): the in-process
// gateway and the ASP.NET Core gateway deliver stored notifications with the same followers, without public API.
#if NOTIFY_WEBSOCKET_ASPNETCORE
namespace Notify.WebSocket.AspNetCore.Inbox;
#else
namespace Notify.WebSocket.Inbox.Delivery;
#endif

/// <summary>
/// Where a connection's followers write: one ordered, bounded queue per connection, shared by all its streams. Writes
/// from one follower never interleave with another write of the same follower.
/// </summary>
internal interface IFollowerOutput
{
    /// <summary>An id of the connection, for logs.</summary>
    string ConnectionId { get; }

    /// <summary>Cancelled when the connection closes: followers stop.</summary>
    CancellationToken Closed { get; }

    /// <summary>Queues a notification if there is room; false when the queue is full (the follower then reads the store).</summary>
    bool TryWrite(NotificationPayload notification);

    /// <summary>Queues a notification, waiting for room.</summary>
    ValueTask WriteAsync(NotificationPayload notification, CancellationToken cancellationToken);

    /// <summary>Queues the end of a replay if there is room; false when full.</summary>
    bool TryWriteReplayed(StreamReplay replay);

    /// <summary>Completes when there is room again (or the connection closed).</summary>
    ValueTask WaitForRoomAsync(CancellationToken cancellationToken);
}
