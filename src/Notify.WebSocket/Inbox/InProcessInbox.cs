using Microsoft.Extensions.Logging;
using Notify.WebSocket.Inbox.Delivery;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// The inbox side of the <see cref="InProcessNotificationGateway"/>: stores its sends through the journal and fans
/// every stored notification out to the followers of its stream among the in-process connections, in commit order.
/// </summary>
internal sealed class InProcessInbox : INotificationJournalListener
{
    private readonly ILogger _logger;

    public InProcessInbox(NotificationJournal journal, NotificationInboxOptions options, TimeProvider timeProvider, ILogger<InProcessInbox> logger)
    {
        Journal = journal;
        Options = options;
        TimeProvider = timeProvider;
        _logger = logger;
        journal.Subscribe(this);
    }

    public NotificationJournal Journal { get; }

    public NotificationInboxOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public FollowerIndex Followers { get; } = new();

    /// <summary>Stores a send; returns how many connections here follow its stream (the delivery count).</summary>
    public async ValueTask<int> SendAsync(NotificationStreamId stream, NotificationPayload payload, CancellationToken cancellationToken)
    {
        var followers = Followers.Count(stream);
        await Journal.AppendAsync(stream, payload, cancellationToken).ConfigureAwait(false);
        return followers;
    }

    /// <summary>Follows a stream for a connection: live from now on, or replaying after a position first.</summary>
    public StreamFollower Follow(InProcessConnection connection, NotificationStreamId stream, long? position)
    {
        var follower = position is null
            ? StreamFollower.Live(stream, connection, Journal, Options.ReplayBatchSize, TimeProvider, _logger)
            : StreamFollower.Replaying(stream, connection, Journal, Options.ReplayBatchSize, TimeProvider, _logger);
        follower.CaughtUp = static count => Diagnostics.NotifyWebSocketTelemetry.InboxReplayed.Add(count);
        Followers.Add(follower);
        if (position is { } from)
        {
            _ = StartReplayAsync(connection, follower, from);
        }
        else if (stream.Kind == NotificationStreamKind.Channel)
        {
            _ = RecordMembershipAsync(stream, connection.UserId);
        }

        return follower;
    }

    public void Unfollow(StreamFollower follower)
    {
        follower.Stop();
        Followers.Remove(follower);
    }

    /// <summary>The user left a channel: the channel leaves their inbox.</summary>
    public void Leave(NotificationStreamId stream, string userId) => _ = EndMembershipAsync(stream, userId);

    public ValueTask OnStoredAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            Followers.Offer(entry.Stream, entry.Notification);
        }

        return ValueTask.CompletedTask;
    }

    public void OnInboxChanged(string tenantId, string userId, InboxChange change) =>
        Followers.ForEachOutput(NotificationStreamId.ForUser(tenantId, userId), output => (output as InProcessConnection)?.PostInboxChange(change));

    private async Task StartReplayAsync(InProcessConnection connection, StreamFollower follower, long position)
    {
        var floor = 0L;
        if (follower.Stream.Kind == NotificationStreamKind.Channel)
        {
            // Never a channel's notifications from before the user joined it.
            if (await MembershipAsync(follower.Stream, connection.UserId, connection.Closed).ConfigureAwait(false) is not { } since)
            {
                return;
            }

            floor = since;
        }

        await follower.ReplayAsync(position, floor).ConfigureAwait(false);
    }

    /// <summary>The membership's start, waiting for the store while it is unavailable; null once the connection closed.</summary>
    private async Task<long?> MembershipAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    return await Journal.JoinAsync(stream, userId, cancellationToken).ConfigureAwait(false);
                }
                catch (WebSocketNotificationException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task RecordMembershipAsync(NotificationStreamId stream, string userId)
    {
        try
        {
            await Journal.JoinAsync(stream, userId).ConfigureAwait(false);
        }
        catch (WebSocketNotificationException)
        {
            // Logged by the journal; the channel then appears in the user's inbox from their next join.
        }
    }

    private async Task EndMembershipAsync(NotificationStreamId stream, string userId)
    {
        try
        {
            await Journal.LeaveAsync(stream, userId).ConfigureAwait(false);
        }
        catch (WebSocketNotificationException)
        {
            // Logged by the journal.
        }
    }
}
