using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Identity;
using Notify.WebSocket.AspNetCore.Inbox;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.RateLimiting;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// The gateway's rules for client connections, independent of the transport (the SignalR hub adapts to it; a
/// Socket.IO endpoint can too): identity, expiry of authentication, limits, channel-name rules, permissions, groups,
/// presence, metrics and throttled logging; with the notification inbox, the replay of what a client missed and its
/// inbox requests (<see cref="GatewayInbox"/>). Every client request is answered: <c>channel:joined</c>,
/// <c>channel:left</c>, <c>inbox:updated</c> or an <c>error</c> event with a stable code.
/// </summary>
internal sealed class GatewayConnectionHandler
{
    private const string JoinRequest = "channel:join";
    private const string LeaveRequest = "channel:leave";

    private readonly ConnectionIdentityResolver _identities;
    private readonly TenantChannelDefaults _defaults;
    private readonly IPresenceTracker _presence;
    private readonly GatewayRateLimiters _limiters;
    private readonly GatewayMetrics _metrics;
    private readonly GatewayResponder _responder;
    private readonly AuthenticationExpiry _expiry;
    private readonly TimeProvider _timeProvider;
    private readonly SignalRGatewayOptions _options;
    private readonly GatewayInbox? _inbox;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;

    public GatewayConnectionHandler(
        ConnectionIdentityResolver identities,
        TenantChannelDefaults defaults,
        IPresenceTracker presence,
        GatewayRateLimiters limiters,
        GatewayMetrics metrics,
        GatewayResponder responder,
        AuthenticationExpiry expiry,
        TimeProvider timeProvider,
        IOptions<SignalRGatewayOptions> options,
        GatewayInboxSlot inbox,
        IServiceScopeFactory scopes,
        ILogger<GatewayConnectionHandler> logger)
    {
        _scopes = scopes;
        _identities = identities;
        _defaults = defaults;
        _presence = presence;
        _limiters = limiters;
        _metrics = metrics;
        _responder = responder;
        _expiry = expiry;
        _timeProvider = timeProvider;
        _options = options.Value;
        _inbox = inbox.Inbox;
        _logger = logger;
    }

    /// <summary>
    /// Sets a new connection up (user group, default channels, expiry) or refuses it with an <c>error</c> event and
    /// closes it: no identity, authentication already expired, or too many connections for the user.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="user">Its authenticated user, if any.</param>
    /// <param name="authenticationExpiresAt">When its authentication expires, if it does.</param>
    /// <param name="positions">
    /// With the inbox: the last position the client has seen of each stream (see <see cref="PositionsReader"/>); what it
    /// missed of its user's stream and its channels is replayed, in order, before anything live. Null for none.
    /// </param>
    /// <returns>The session to pass to later calls, or null when the connection was refused.</returns>
    public async Task<GatewaySession?> ConnectAsync(IGatewayConnection connection, ClaimsPrincipal? user, DateTimeOffset? authenticationExpiresAt, object? positions = null)
    {
        var identity = _identities.Resolve(user, connection.ConnectionId);
        if (identity is null)
        {
            await _responder.RefuseConnectionAsync(connection, GatewayResponder.NoTenant, RefusalReasons.Unauthorized, new GatewayError(
                "Unauthorized: the connection has no user id and tenant id claims.", GatewayErrorCodes.Unauthorized)).ConfigureAwait(false);
            return null;
        }

        var expiresAt = _options.CloseOnAuthenticationExpiration ? authenticationExpiresAt : null;
        if (expiresAt <= _timeProvider.GetUtcNow())
        {
            await _responder.RefuseConnectionAsync(connection, identity.TenantId, RefusalReasons.TokenExpired, GatewayResponder.TokenExpired).ConfigureAwait(false);
            return null;
        }

        // A budget of connections needs an identity that outlives a connection: anonymous ones have none.
        if (identity.UserId is not null && !await _limiters.TryAcquireConnectionAsync(identity.RateLimitKey, connection.Closed).ConfigureAwait(false))
        {
            await _responder.RefuseConnectionAsync(connection, identity.TenantId, RefusalReasons.RateLimited, new GatewayError(
                $"Too many connections: at most {_limiters.ConnectionLimitDescription} per user; retry later.", GatewayErrorCodes.RateLimited)).ConfigureAwait(false);
            return null;
        }

        await connection.AcceptAsync().ConfigureAwait(false);
        var session = new GatewaySession(connection, identity, user ?? new ClaimsPrincipal(), expiresAt);
        _metrics.Connected(identity.TenantId);
        _expiry.Watch(session);

        var ct = connection.Closed;
        if (identity.UserId is { } userId)
        {
            var group = GroupNames.User(identity.TenantId, userId);
            await connection.AddToGroupAsync(group, ct).ConfigureAwait(false);
            await _presence.AddAsync(group, ct).ConfigureAwait(false);
        }

        if (_inbox is not null)
        {
            await _inbox.ConnectAsync(session, positions).ConfigureAwait(false);
        }

        Log.Connected(_logger, connection.ConnectionId, identity.TenantId, identity.UserId);
        foreach (var channel in _defaults.For(identity.TenantId))
        {
            await AddToChannelAsync(session, ChannelNames.Normalize(channel)).ConfigureAwait(false);
        }

        if (_inbox is not null)
        {
            // In the background: a store that stalls must not hold the connect. A join the client sends meanwhile is
            // made as asked, and the rejoin then finds the channel joined.
            _ = RejoinChannelsAsync(session, _inbox);
        }

        return session;
    }

    /// <summary>
    /// Joins the channels the user is a member of (with the inbox): a client that joined once, on any device, gets them
    /// live after a reconnect too. Each is authorized again, within the connection's channel limit; the user's request
    /// budget is not spent (the client asked for none of it).
    /// </summary>
    private async Task RejoinChannelsAsync(GatewaySession session, GatewayInbox inbox)
    {
        try
        {
            await RejoinChannelsCoreAsync(session, inbox).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Connection.Closed.IsCancellationRequested)
        {
            // The connection closed meanwhile.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.RejoinFailed(_logger, ex, session.Connection.ConnectionId, session.Identity.TenantId);
        }
    }

    private async Task RejoinChannelsCoreAsync(GatewaySession session, GatewayInbox inbox)
    {
        var channels = await inbox.ChannelsToRejoinAsync(session).ConfigureAwait(false);
        if (channels.Count == 0)
        {
            return;
        }

        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var authorizer = scope.ServiceProvider.GetRequiredService<IChannelAuthorizer>();
            foreach (var (stream, head) in channels)
            {
                var channel = stream.Name;
                var (joined, count) = ChannelsOf(session, channel);
                if (joined)
                {
                    continue;
                }

                if (count >= _options.MaxChannelsPerConnection)
                {
                    Log.RejoinLimited(_logger, session.Connection.ConnectionId, session.Identity.TenantId, channels.Count, _options.MaxChannelsPerConnection);
                    return;
                }

                if (await MayJoinAsync(authorizer, session, channel).ConfigureAwait(false))
                {
                    await AddToChannelAsync(session, channel, rejoinedAt: head).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Releases a closed connection's presence and timer.</summary>
    public async Task DisconnectAsync(GatewaySession session)
    {
        string[] channels;
        lock (session.Gate)
        {
            session.Closed = true;
            channels = [.. session.Channels];
            session.Channels.Clear();
        }

        session.Dispose();
        _inbox?.Disconnect(session);

        // The transport removes the connection from its groups itself; presence is ours to release.
        var identity = session.Identity;
        if (identity.UserId is { } userId)
        {
            await _presence.RemoveAsync(GroupNames.User(identity.TenantId, userId), CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var channel in channels)
        {
            await _presence.RemoveAsync(GroupNames.Channel(identity.TenantId, channel), CancellationToken.None).ConfigureAwait(false);
        }

        _metrics.Disconnected(identity.TenantId);
        var unlogged = session.TakeUnloggedRefusals();
        if (unlogged > 0)
        {
            Log.UnloggedRefusals(_logger, session.Connection.ConnectionId, identity.TenantId, identity.UserId, unlogged);
        }

        Log.Disconnected(_logger, session.Connection.ConnectionId, identity.TenantId);
    }

    /// <summary><c>channel:join</c>: joins a channel of the connection's tenant if every rule allows it.</summary>
    /// <param name="connection">The connection that asked.</param>
    /// <param name="session">Its session; null when the connection was never set up (then the answer is UNAUTHORIZED).</param>
    /// <param name="request">The raw argument, whatever its shape.</param>
    /// <param name="scopedServices">Services of the request's scope (the <see cref="IChannelAuthorizer"/> may be scoped).</param>
    public async Task JoinAsync(IGatewayConnection connection, GatewaySession? session, object? request, IServiceProvider scopedServices)
    {
        if (await AdmitAsync(connection, session, JoinRequest, request).ConfigureAwait(false) is not { } name)
        {
            return;
        }

        var state = session!;
        long? position = null;
        if (_inbox is not null && !ChannelRequestReader.TryReadPosition(request, out position))
        {
            await _responder.RefuseAsync(state, JoinRequest, RefusalReasons.InvalidRequest, new GatewayError(
                $"Invalid request: {JoinRequest}'s position is the last position of the channel's stream seen, a whole number; leave it out to join live.", GatewayErrorCodes.InvalidRequest, name)).ConfigureAwait(false);
            return;
        }

        var (member, count) = ChannelsOf(state, name);
        if (member)
        {
            // Joined again at connect: the client's own join says where its replay starts.
            _inbox?.ResolveRejoin(state, name, position);

            await _responder.SendAsync(state.Connection, GatewayEvents.Joined, new ChannelEvent(name)).ConfigureAwait(false);
            return;
        }

        if (count >= _options.MaxChannelsPerConnection)
        {
            await _responder.RefuseAsync(state, JoinRequest, RefusalReasons.ChannelLimit, new GatewayError(
                $"Too many channels: a connection may be in at most {_options.MaxChannelsPerConnection}.", GatewayErrorCodes.TooManyChannels, name)).ConfigureAwait(false);
            return;
        }

        if (!await MayJoinAsync(scopedServices.GetRequiredService<IChannelAuthorizer>(), state, name).ConfigureAwait(false))
        {
            await _responder.RefuseAsync(state, JoinRequest, RefusalReasons.AccessDenied, new GatewayError("Access denied", GatewayErrorCodes.AccessDenied, name)).ConfigureAwait(false);
            return;
        }

        await AddToChannelAsync(state, name, position).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>channel:leave</c>: leaves a channel (answered with <c>channel:left</c> even when not a member), and with the inbox
    /// ends the user's membership, whichever of their connections joined.
    /// </summary>
    public async Task LeaveAsync(IGatewayConnection connection, GatewaySession? session, object? request)
    {
        if (await AdmitAsync(connection, session, LeaveRequest, request).ConfigureAwait(false) is not { } name)
        {
            return;
        }

        var state = session!;
        bool open, removed;
        lock (state.Gate)
        {
            open = !state.Closed;
            removed = open && state.Channels.Remove(name);
        }

        if (removed)
        {
            var group = GroupNames.Channel(state.Identity.TenantId, name);
            await connection.RemoveFromGroupAsync(group, connection.Closed).ConfigureAwait(false);
            await _presence.RemoveAsync(group, CancellationToken.None).ConfigureAwait(false);
            _metrics.Left(state.Identity.TenantId);
        }

        // The membership is the user's, not the connection's: a leave from another device, or after a reconnect that did
        // not join again, ends it too.
        if (open && _inbox is not null)
        {
            await _inbox.UnfollowChannelAsync(state, name).ConfigureAwait(false);
        }

        await _responder.SendAsync(connection, GatewayEvents.Left, new ChannelEvent(name)).ConfigureAwait(false);
    }

    /// <summary>
    /// An inbox request (<c>inbox:read</c>, <c>inbox:unread</c>, <c>inbox:archive</c>, <c>inbox:unarchive</c>): after the
    /// connection's identity, expiry and the user's inbox-request budget, the change is made and every connection of the
    /// user receives <c>inbox:updated</c>; a refusal is answered with an <c>error</c> event.
    /// </summary>
    /// <returns>
    /// The refusal's error (also sent as the <c>error</c> event), or null when the change was made: a SignalR invocation
    /// completes with it, so a client with several requests in flight knows which one was refused.
    /// </returns>
    public async Task<GatewayError?> InboxAsync(IGatewayConnection connection, GatewaySession? session, string requestName, object? request)
    {
        if (await AdmitSessionAsync(connection, session).ConfigureAwait(false) is not { } state)
        {
            return null;
        }

        var refusal = _inbox is null
            ? (RefusalReasons.InvalidRequest, new GatewayError("The notification inbox is off on this server.", GatewayErrorCodes.InvalidRequest))
            : !await _limiters.TryAcquireInboxRequestAsync(state.Identity.RateLimitKey, connection.Closed).ConfigureAwait(false)
                ? (RefusalReasons.RateLimited, new GatewayError($"Too many inbox requests (at most {_limiters.InboxRequestLimitDescription} per user); slow down.", GatewayErrorCodes.RateLimited))
                : await _inbox.HandleAsync(state, requestName, request).ConfigureAwait(false);
        if (refusal is not var (reason, error))
        {
            return null;
        }

        await _responder.RefuseAsync(state, requestName, reason, error).ConfigureAwait(false);
        return error;
    }

    /// <summary>
    /// The checks every channel request passes, in order: an identified connection whose authentication has not
    /// expired; the user's request budget (spent by every request, well-formed or not); the request's shape; the
    /// channel-name rules. Answers a refusal itself and returns null; otherwise returns the normalized name.
    /// </summary>
    private async Task<string?> AdmitAsync(IGatewayConnection connection, GatewaySession? session, string requestName, object? request)
    {
        if (await AdmitSessionAsync(connection, session).ConfigureAwait(false) is not { } admitted)
        {
            return null;
        }

        session = admitted;
        string? name = null;
        var problem = ChannelNameProblem.Malformed;
        if (ChannelRequestReader.TryRead(request, out var raw))
        {
            problem = ChannelNames.Check(raw, _options.MaxChannelNameLength, out var normalized);
            name = problem == ChannelNameProblem.None ? normalized : null;
        }

        if (!await _limiters.TryAcquireChannelRequestAsync(session.Identity.RateLimitKey, connection.Closed).ConfigureAwait(false))
        {
            await _responder.RefuseAsync(session, requestName, RefusalReasons.RateLimited, new GatewayError(
                $"Too many channel requests (at most {_limiters.ChannelRequestLimitDescription} per user); slow down.", GatewayErrorCodes.RateLimited, name)).ConfigureAwait(false);
            return null;
        }

        switch (problem)
        {
            case ChannelNameProblem.None:
                return name;
            case ChannelNameProblem.Malformed:
                await _responder.RefuseAsync(session, requestName, RefusalReasons.InvalidRequest, new GatewayError(
                    $"Invalid request: {requestName} takes one object {{ \"channelName\": \"<name>\" }} whose channelName is well-formed text.", GatewayErrorCodes.InvalidRequest)).ConfigureAwait(false);
                return null;
            default:
                await _responder.RefuseAsync(session, requestName, RefusalReasons.InvalidChannel, new GatewayError(
                    ChannelNames.Describe(problem, _options.MaxChannelNameLength), GatewayErrorCodes.InvalidChannel)).ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>The session of an identified connection whose authentication has not expired; otherwise answered (and null).</summary>
    private async Task<GatewaySession?> AdmitSessionAsync(IGatewayConnection connection, GatewaySession? session)
    {
        if (session is null)
        {
            _metrics.Refused(GatewayResponder.NoTenant, RefusalReasons.Unauthorized);
            await _responder.SendAsync(connection, GatewayEvents.Error, new GatewayError("Unauthorized", GatewayErrorCodes.Unauthorized)).ConfigureAwait(false);
            return null;
        }

        if (session.Expired)
        {
            await _responder.SendAsync(connection, GatewayEvents.Error, GatewayResponder.TokenExpired).ConfigureAwait(false);
            return null;
        }

        if (_expiry.HasPassed(session))
        {
            // The timer has not fired yet; the request must not slip through meanwhile.
            await _expiry.ExpireAsync(session).ConfigureAwait(false);
            return null;
        }

        return session;
    }

    /// <summary>Whether the connection is in <paramref name="channel"/>, and in how many channels.</summary>
    private static (bool Member, int Count) ChannelsOf(GatewaySession session, string channel)
    {
        lock (session.Gate)
        {
            return (session.Channels.Contains(channel), session.Channels.Count);
        }
    }

    private static ValueTask<bool> MayJoinAsync(IChannelAuthorizer authorizer, GatewaySession session, string channel) =>
        authorizer.CanJoinAsync(
            new ChannelAuthorizationContext
            {
                TenantId = session.Identity.TenantId,
                UserId = session.Identity.UserId,
                ChannelName = channel,
                User = session.User,
            },
            session.Connection.Closed);

    /// <summary>
    /// Adds the connection to a channel it is not in yet. <paramref name="rejoinedAt"/>: joined again at connect, with
    /// the channel stream's head then; the inbox holds it for the client's own join (or replays from the position given
    /// at connect).
    /// </summary>
    private async Task AddToChannelAsync(GatewaySession session, string channel, long? position = null, long? rejoinedAt = null)
    {
        long? givenAtConnect = null;
        lock (session.Gate)
        {
            if (session.Closed || !session.Channels.Add(channel))
            {
                return;
            }

            if (rejoinedAt is { } head && _inbox is not null)
            {
                givenAtConnect = _inbox.HoldRejoined(session, channel, head);
            }
        }

        if (givenAtConnect is { } from)
        {
            _inbox!.ResolveRejoin(session, channel, from);
        }

        var connection = session.Connection;
        var group = GroupNames.Channel(session.Identity.TenantId, channel);
        await connection.AddToGroupAsync(group, connection.Closed).ConfigureAwait(false);
        await _presence.AddAsync(group, connection.Closed).ConfigureAwait(false);
        _metrics.Joined(session.Identity.TenantId);
        if (_inbox is not null && rejoinedAt is null)
        {
            await _inbox.FollowChannelAsync(session, channel, position).ConfigureAwait(false);
        }

        await _responder.SendAsync(connection, GatewayEvents.Joined, new ChannelEvent(channel)).ConfigureAwait(false);
    }
}
