using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// The gateway's side of the notification inbox, for every transport: each connection follows its user's stream and
/// its channels' streams through an outbox (replaying from the positions it connected or joined with, then live),
/// stored notifications fan out to the followers on this instance (and, with Redis scale-out, on every instance
/// through the <see cref="InboxBackplane"/>), and inbox requests change read state, which every connection of the user
/// follows.
/// </summary>
internal sealed class GatewayInbox : INotificationJournalListener, IDisposable
{
    private readonly NotificationJournal _journal;
    private readonly INotificationInbox _inbox;
    private readonly NotificationInboxOptions _options;
    private readonly GatewayResponder _responder;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly FollowerIndex _followers = new();
    private readonly IDisposable _subscription;

    public GatewayInbox(NotificationJournal journal, INotificationInbox inbox, IOptions<NotificationInboxOptions> options, GatewayResponder responder, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<GatewayInbox> logger)
    {
        _journal = journal;
        _inbox = inbox;
        _options = options.Value;
        _responder = responder;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _subscription = journal.Subscribe(this);
    }

    /// <summary>Carries stored notifications and inbox changes to the other instances; set when Redis scale-out is on.</summary>
    public InboxBackplane? Backplane { get; set; }

    /// <summary>Stores a send (the journal hands it to the followers of every instance before this returns).</summary>
    public async Task StoreAsync(NotificationStreamId stream, NotificationPayload payload, CancellationToken cancellationToken) =>
        await _journal.AppendAsync(stream, payload, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sets a new connection up: its outbox, and its user's stream, replayed from the position it gave. Positions that
    /// are malformed, or name streams of another tenant or user, are answered with an <c>error</c> event and not used.
    /// </summary>
    public async Task ConnectAsync(GatewaySession session, object? rawPositions)
    {
        var identity = session.Identity;
        var positions = new Dictionary<NotificationStreamId, long>();
        if (!PositionsReader.TryRead(rawPositions, out var raw, out var malformed))
        {
            await RefusePositionsAsync(session, $"give one JSON object of stream ids and the last position seen in each (at most {PositionsReader.MaxStreams}), such as {{ \"t:1:user:alice\": 41 }}.").ConfigureAwait(false);
        }

        foreach (var id in malformed)
        {
            await RefusePositionsAsync(session, $"the position of {id} is not a whole number; give the last position seen in the stream, as its notifications' position says. The other streams' positions are used.").ConfigureAwait(false);
        }

        foreach (var (id, position) in raw)
        {
            if (!ClientStreamIds.TryParse(id, out var stream))
            {
                await RefusePositionsAsync(session, $"{id} is not a stream id; stream ids are t:<tenant>:user:<user> or t:<tenant>:channel:<channel>, as the notifications' stream says.").ConfigureAwait(false);
            }
            else if (MayFollow(identity.TenantId, identity.UserId, stream))
            {
                positions[stream] = position;
            }
            else
            {
                await RefusePositionAsync(session, id).ConfigureAwait(false);
            }
        }

        var state = new GatewayInboxSession(new GatewayOutbox(session.Connection, _responder, _options.ConnectionBufferCapacity), positions);
        session.Inbox = state;
        if (identity.UserId is { } userId)
        {
            var stream = NotificationStreamId.ForUser(identity.TenantId, userId);
            var follower = Follow(state, stream, positions.TryGetValue(stream, out var position) ? position : null);
            if (positions.ContainsKey(stream))
            {
                _ = ReplayAsync(follower, position, floor: 0);
            }
        }
    }

    /// <summary>
    /// How long a channel joined again at connect holds its notifications for the client's own <c>channel:join</c> with
    /// the position it last saw; then it delivers from where the connection began.
    /// </summary>
    internal static readonly TimeSpan RejoinGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The channels a connecting user is a member of, to join again (<see cref="NotificationInboxOptions.RejoinChannelsOnConnect"/>),
    /// with each one's head now; none when that is off, for an anonymous connection, or when the store cannot tell now
    /// (logged by the journal: the client can still join them itself).
    /// </summary>
    public async Task<IReadOnlyList<StreamPosition>> ChannelsToRejoinAsync(GatewaySession session)
    {
        if (!_options.RejoinChannelsOnConnect || session.Identity.UserId is not { } userId)
        {
            return [];
        }

        try
        {
            var heads = await _journal.GetChannelHeadsAsync(session.Identity.TenantId, userId, session.Connection.Closed).ConfigureAwait(false);
            return [.. heads.OrderBy(h => h.Stream.Name, StringComparer.Ordinal)];
        }
        catch (WebSocketNotificationException)
        {
            return [];
        }
    }

    /// <summary>
    /// The connection joined a channel (its permission checked): it follows the channel's stream, replaying from the
    /// position given with the join or at connect (never before the user's membership), and the user becomes a member.
    /// </summary>
    public async Task FollowChannelAsync(GatewaySession session, string channel, long? requested)
    {
        if (session.Inbox is not { } state)
        {
            return;
        }

        var stream = NotificationStreamId.ForChannel(session.Identity.TenantId, channel);
        long? position = requested ?? (state.Positions.TryGetValue(stream, out var given) ? given : null);

        // Anonymous connections have no identity to keep a membership for: channels reach them live only.
        if (session.Identity.UserId is not { } userId || position is not { } from)
        {
            Follow(state, stream, position: null);
            if (session.Identity.UserId is { } member)
            {
                await RecordMembershipAsync(stream, member).ConfigureAwait(false);
            }

            return;
        }

        var follower = Follow(state, stream, from);
        _ = ReplayChannelAsync(follower, stream, userId, from, session.Connection.Closed);
    }

    /// <summary>
    /// A channel joined again at connect (the user is a member; <paramref name="head"/> is its stream's head then): it
    /// holds what arrives until <see cref="ResolveRejoin"/> says where to replay from, or <see cref="RejoinGrace"/> ends.
    /// Called under the session's gate with the channel claimed, so that a client's own join sees the hold.
    /// </summary>
    /// <returns>The position given for the channel at connect, if any: resolve the hold with it at once.</returns>
    public long? HoldRejoined(GatewaySession session, string channel, long head)
    {
        if (session.Inbox is not { } state)
        {
            return null;
        }

        var stream = NotificationStreamId.ForChannel(session.Identity.TenantId, channel);
        var held = Follow(state, stream, position: head);
        state.Rejoined[stream] = head;
        if (state.Positions.TryGetValue(stream, out var given))
        {
            return given;
        }

        _ = EndRejoinGraceAsync(session, stream, held);
        return null;
    }

    /// <summary>
    /// The client joined a channel the connection joined again at connect: it replays from the position the join gave
    /// (or, without one, from where the connection began), then goes live; in order and once each, since nothing of
    /// the channel was written to the connection before. Nothing to do when the channel is not held any more.
    /// </summary>
    public void ResolveRejoin(GatewaySession session, string channel, long? requested)
    {
        var stream = NotificationStreamId.ForChannel(session.Identity.TenantId, channel);
        if (session.Inbox is not { } state || !state.Rejoined.TryRemove(stream, out var head)
            || !state.Followers.TryGetValue(stream, out var follower) || session.Identity.UserId is not { } userId)
        {
            return;
        }

        _ = requested is { } from
            ? ReplayChannelAsync(follower, stream, userId, from, session.Connection.Closed)
            : ReplayAsync(follower, head, floor: 0);
    }

    private async Task EndRejoinGraceAsync(GatewaySession session, NotificationStreamId stream, StreamFollower held)
    {
        try
        {
            await Task.Delay(RejoinGrace, _timeProvider, session.Connection.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // The head at connect is at or above where the membership starts: no floor is needed.
        if (session.Inbox is { } state && state.Rejoined.TryRemove(stream, out var head) && state.Followers.TryGetValue(stream, out var follower) && follower == held)
        {
            await ReplayAsync(follower, head, floor: 0).ConfigureAwait(false);
        }
    }

    /// <summary>The connection left a channel: it stops following it, and the user's membership ends.</summary>
    public async Task UnfollowChannelAsync(GatewaySession session, string channel)
    {
        if (session.Inbox is not { } state)
        {
            return;
        }

        var stream = NotificationStreamId.ForChannel(session.Identity.TenantId, channel);
        state.Rejoined.TryRemove(stream, out _);
        if (state.Followers.TryRemove(stream, out var follower))
        {
            Unfollow(follower);
        }

        if (session.Identity.UserId is { } userId)
        {
            try
            {
                await _journal.LeaveAsync(stream, userId).ConfigureAwait(false);
            }
            catch (WebSocketNotificationException)
            {
                // Logged by the journal; the membership stays until the next leave.
            }
        }
    }

    /// <summary>The connection closed: its followers stop.</summary>
    public void Disconnect(GatewaySession session)
    {
        if (session.Inbox is not { } state)
        {
            return;
        }

        foreach (var follower in state.Followers.Values)
        {
            Unfollow(follower);
        }

        state.Followers.Clear();
        _ = state.Outbox.CompleteAsync();
    }

    /// <summary>
    /// An inbox request of a connection (<c>inbox:read</c>, <c>inbox:unread</c>, <c>inbox:archive</c>,
    /// <c>inbox:unarchive</c>). The change reaches every connection of the user as <c>inbox:updated</c>; a refusal is
    /// returned, to be answered with an <c>error</c> event.
    /// </summary>
    /// <returns>Null when done; otherwise the refusal reason and error.</returns>
    public async Task<(string Reason, GatewayError Error)?> HandleAsync(GatewaySession session, string requestName, object? argument)
    {
        if (session.Identity.UserId is not { } userId)
        {
            return (RefusalReasons.Unauthorized, new GatewayError("Anonymous connections have no inbox.", GatewayErrorCodes.Unauthorized));
        }

        var isRead = requestName == GatewayEvents.InboxRead;
        if (!InboxRequestReader.TryRead(argument, allowAllAndThrough: isRead, out var request))
        {
            return (RefusalReasons.InvalidRequest, new GatewayError(
                isRead
                    ? $"Invalid request: {requestName} takes {{ \"ids\": [..] }} (1 to {InboxRequestReader.MaxIds} ids, none blank), {{ \"all\": true }} or {{ \"stream\": \"<stream id>\", \"position\": <n from 0> }}."
                    : $"Invalid request: {requestName} takes {{ \"ids\": [..] }} (1 to {InboxRequestReader.MaxIds} ids, none blank).",
                GatewayErrorCodes.InvalidRequest));
        }

        var tenantId = session.Identity.TenantId;
        var ct = session.Connection.Closed;
        try
        {
            _ = requestName switch
            {
                GatewayEvents.InboxRead when request.All => await _inbox.MarkAllReadAsync(tenantId, userId, ct).ConfigureAwait(false),
                GatewayEvents.InboxRead when request.Ids is { } ids => await _inbox.MarkReadAsync(tenantId, userId, ids, ct).ConfigureAwait(false),
                GatewayEvents.InboxRead => await _inbox.MarkReadThroughAsync(tenantId, userId, request.Stream!.Value, request.Position!.Value, ct).ConfigureAwait(false),
                GatewayEvents.InboxUnread => await _inbox.MarkUnreadAsync(tenantId, userId, request.Ids!, ct).ConfigureAwait(false),
                GatewayEvents.InboxArchive => await _inbox.ArchiveAsync(tenantId, userId, request.Ids!, ct).ConfigureAwait(false),
                _ => await _inbox.UnarchiveAsync(tenantId, userId, request.Ids!, ct).ConfigureAwait(false),
            };
            return null;
        }
        catch (ArgumentException) when (request.Stream is not null)
        {
            return (RefusalReasons.PositionRefused, new GatewayError($"The stream {request.Stream} is not in your inbox.", GatewayErrorCodes.PositionRefused));
        }
        catch (WebSocketNotificationException ex) when (ex.Code == WebSocketErrorCodes.StoreUnavailable)
        {
            return (RefusalReasons.InboxUnavailable, new GatewayError("The inbox is unavailable; retry later.", GatewayErrorCodes.InboxUnavailable));
        }
    }

    public async ValueTask OnStoredAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            _followers.Offer(entry.Stream, entry.Notification);
        }

        if (Backplane is { } backplane)
        {
            await backplane.PublishAsync(entries).ConfigureAwait(false);
        }
    }

    public void OnInboxChanged(string tenantId, string userId, InboxChange change)
    {
        Post(tenantId, userId, change);

        // A refresh is this instance's own catching up; the others make theirs.
        if (change.Kind != InboxChangeKind.Refresh)
        {
            Backplane?.PublishChange(tenantId, userId, change);
        }
    }

    /// <summary>A notification another instance stored.</summary>
    public void DeliverRemote(NotificationStreamId stream, NotificationPayload notification) => _followers.Offer(stream, notification);

    /// <summary>
    /// An inbox change made on another instance, for the user's connections here: with the unread count read here, in
    /// order with the user's changes made here (the count it came with may be older than one they got since).
    /// </summary>
    public void ChangeRemote(string tenantId, string userId, InboxChange change)
    {
        var user = NotificationStreamId.ForUser(tenantId, userId);
        if (_followers.Count(user) > 0)
        {
            _ = ChangeRemoteAsync(user, change);
        }
    }

    private async Task ChangeRemoteAsync(NotificationStreamId user, InboxChange change)
    {
        try
        {
            await _journal.ReceiveRemoteChangeAsync(user.TenantId, user.Name, change, counted => Post(user, counted)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
        {
            // The host is stopping: its connections are closing.
        }
    }

    /// <summary>Every follower reads the store (the backplane may have missed broadcasts while Redis was away).</summary>
    public void CatchUpAll() => _followers.CatchUpAll();

    /// <summary>The followers of one stream read the store (another instance could not publish some of its notifications).</summary>
    public void CatchUp(NotificationStreamId stream) => _followers.CatchUp(stream);

    /// <summary>The streams of the users with a connection here.</summary>
    public NotificationStreamId[] UsersHere() => _followers.Streams(NotificationStreamKind.User);

    /// <summary>
    /// Tells a user's connections here to read their inbox again, with the current unread count (changes of their read
    /// state may have passed this instance by). Nothing when none is here.
    /// </summary>
    /// <exception cref="WebSocketNotificationException">The store failed (<see cref="WebSocketNotificationException.Retryable"/> when it is down).</exception>
    public async Task RefreshAsync(NotificationStreamId user, CancellationToken cancellationToken)
    {
        if (_followers.Count(user) == 0)
        {
            return;
        }

        await _journal.RefreshAsync(user.TenantId, user.Name, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _subscription.Dispose();

    /// <summary>A stream a connection may give a position for: its tenant's, and of a user's streams only its own.</summary>
    private static bool MayFollow(string tenantId, string? userId, NotificationStreamId stream) =>
        stream.TenantId == tenantId && (stream.Kind == NotificationStreamKind.Channel || stream.Name == userId);

    /// <summary>Malformed positions at connect: an <c>INVALID_REQUEST</c> error saying what is wrong (the connection stays).</summary>
    private Task RefusePositionsAsync(GatewaySession session, string problem) =>
        _responder.RefuseAsync(session, "connect", RefusalReasons.InvalidRequest, new GatewayError("Invalid positions: " + problem, GatewayErrorCodes.InvalidRequest));

    private Task RefusePositionAsync(GatewaySession session, string stream) =>
        _responder.RefuseAsync(session, "connect", RefusalReasons.PositionRefused, new GatewayError(
            $"The position of {stream} is refused: only streams of your own tenant, and of users only your own, can be followed.",
            GatewayErrorCodes.PositionRefused));

    private StreamFollower Follow(GatewayInboxSession state, NotificationStreamId stream, long? position)
    {
        var follower = position is null
            ? StreamFollower.Live(stream, state.Outbox, _journal, _options.ReplayBatchSize, _timeProvider, _logger)
            : StreamFollower.Replaying(stream, state.Outbox, _journal, _options.ReplayBatchSize, _timeProvider, _logger);
        var tenantId = stream.TenantId;
        follower.CaughtUp = count => _metrics.Replayed(tenantId, count);
        if (state.Followers.TryRemove(stream, out var previous))
        {
            Unfollow(previous);
        }

        state.Followers[stream] = follower;
        _followers.Add(follower);
        return follower;
    }

    private void Unfollow(StreamFollower follower)
    {
        follower.Stop();
        _followers.Remove(follower);
    }

    private async Task ReplayAsync(StreamFollower follower, long position, long floor)
    {
        try
        {
            await follower.ReplayAsync(position, floor).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ReplayFailed(_logger, ex, follower.StreamId, follower.Output.ConnectionId);
        }
    }

    private async Task ReplayChannelAsync(StreamFollower follower, NotificationStreamId stream, string userId, long position, CancellationToken closed)
    {
        // Never a channel's notifications from before the user was let in: the membership says where that was.
        while (!closed.IsCancellationRequested)
        {
            try
            {
                var floor = await _journal.JoinAsync(stream, userId, closed).ConfigureAwait(false);
                await ReplayAsync(follower, position, floor).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (closed.IsCancellationRequested)
            {
                return;
            }
            catch (WebSocketNotificationException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), _timeProvider, closed).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RecordMembershipAsync(NotificationStreamId stream, string userId)
    {
        try
        {
            await _journal.JoinAsync(stream, userId).ConfigureAwait(false);
        }
        catch (WebSocketNotificationException)
        {
            // Logged by the journal; the channel enters the user's inbox at their next join.
        }
    }

    private void Post(string tenantId, string userId, InboxChange change) => Post(NotificationStreamId.ForUser(tenantId, userId), change);

    private void Post(NotificationStreamId user, InboxChange change) =>
        _followers.ForEachOutput(user, output => ((GatewayOutbox)output).Post(change));
}
