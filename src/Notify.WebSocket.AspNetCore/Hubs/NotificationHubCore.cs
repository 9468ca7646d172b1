using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Configuration;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Identity;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.RateLimiting;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>The hub's behaviour, kept out of the public hub type: identity, groups, permissions, limits and presence.</summary>
internal sealed class NotificationHubCore(
    ConnectionIdentityResolver identities,
    TenantChannelDefaults defaults,
    IPresenceTracker presence,
    GatewayRateLimiters limiters,
    IOptions<SignalRGatewayOptions> options,
    ILogger<NotificationHubCore> logger)
{
    private static readonly object StateKey = new();

    public async Task OnConnectedAsync(Hub hub)
    {
        var context = hub.Context;
        var identity = identities.Resolve(context.User);
        if (identity is null)
        {
            Log.ConnectionRefused(logger, context.ConnectionId);
            await hub.Clients.Caller.SendAsync(
                GatewayEvents.Error,
                new GatewayError("Unauthorized: the connection has no user id and tenant id claims.", GatewayErrorCodes.Unauthorized),
                context.ConnectionAborted).ConfigureAwait(false);
            context.Abort();
            return;
        }

        var state = new ConnectionState(identity);
        context.Items[StateKey] = state;
        var ct = context.ConnectionAborted;
        if (identity.UserId is { } userId)
        {
            var group = GroupNames.User(identity.TenantId, userId);
            await hub.Groups.AddToGroupAsync(context.ConnectionId, group, ct).ConfigureAwait(false);
            await presence.AddAsync(group, ct).ConfigureAwait(false);
        }

        Log.Connected(logger, context.ConnectionId, identity.TenantId, identity.UserId);
        foreach (var channel in defaults.For(identity.TenantId))
        {
            await AddToChannelAsync(hub, state, channel).ConfigureAwait(false);
        }
    }

    public async Task OnDisconnectedAsync(Hub hub)
    {
        if (hub.Context.Items.TryGetValue(StateKey, out var value) && value is ConnectionState state)
        {
            string[] channels;
            lock (state.Gate)
            {
                state.Closed = true;
                channels = [.. state.Channels];
                state.Channels.Clear();
            }

            // SignalR removes the connection from its groups itself; presence is ours to release.
            var identity = state.Identity;
            if (identity.UserId is { } userId)
            {
                await presence.RemoveAsync(GroupNames.User(identity.TenantId, userId), CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var channel in channels)
            {
                await presence.RemoveAsync(GroupNames.Channel(identity.TenantId, channel), CancellationToken.None).ConfigureAwait(false);
            }

            Log.Disconnected(logger, hub.Context.ConnectionId, identity.TenantId);
        }
    }

    public async Task JoinAsync(Hub hub, IServiceProvider scopedServices, string? channel)
    {
        if (await CheckRequestAsync(hub, channel).ConfigureAwait(false) is not { } state)
        {
            return;
        }

        var name = channel!;
        bool member;
        int count;
        lock (state.Gate)
        {
            member = state.Channels.Contains(name);
            count = state.Channels.Count;
        }

        if (member)
        {
            await hub.Clients.Caller.SendAsync(GatewayEvents.Joined, new ChannelEvent(name), hub.Context.ConnectionAborted).ConfigureAwait(false);
            return;
        }

        if (count >= options.Value.MaxChannelsPerConnection)
        {
            await SendErrorAsync(hub, $"Too many channels: a connection may be in at most {options.Value.MaxChannelsPerConnection}.", GatewayErrorCodes.TooManyChannels, name).ConfigureAwait(false);
            return;
        }

        var authorizer = scopedServices.GetRequiredService<IChannelAuthorizer>();
        var allowed = await authorizer.CanJoinAsync(
            new ChannelAuthorizationContext
            {
                TenantId = state.Identity.TenantId,
                UserId = state.Identity.UserId,
                ChannelName = name,
                User = hub.Context.User ?? new ClaimsPrincipal(),
            },
            hub.Context.ConnectionAborted).ConfigureAwait(false);
        if (!allowed)
        {
            Log.ChannelDenied(logger, state.Identity.TenantId, state.Identity.UserId, name);
            await SendErrorAsync(hub, "Access denied", GatewayErrorCodes.AccessDenied, name).ConfigureAwait(false);
            return;
        }

        await AddToChannelAsync(hub, state, name).ConfigureAwait(false);
    }

    public async Task LeaveAsync(Hub hub, string? channel)
    {
        if (await CheckRequestAsync(hub, channel).ConfigureAwait(false) is not { } state)
        {
            return;
        }

        var name = channel!;
        bool removed;
        lock (state.Gate)
        {
            removed = !state.Closed && state.Channels.Remove(name);
        }

        var ct = hub.Context.ConnectionAborted;
        if (removed)
        {
            var group = GroupNames.Channel(state.Identity.TenantId, name);
            await hub.Groups.RemoveFromGroupAsync(hub.Context.ConnectionId, group, ct).ConfigureAwait(false);
            await presence.RemoveAsync(group, CancellationToken.None).ConfigureAwait(false);
        }

        await hub.Clients.Caller.SendAsync(GatewayEvents.Left, new ChannelEvent(name), ct).ConfigureAwait(false);
    }

    private async Task AddToChannelAsync(Hub hub, ConnectionState state, string channel)
    {
        lock (state.Gate)
        {
            if (state.Closed || !state.Channels.Add(channel))
            {
                return;
            }
        }

        var ct = hub.Context.ConnectionAborted;
        var group = GroupNames.Channel(state.Identity.TenantId, channel);
        await hub.Groups.AddToGroupAsync(hub.Context.ConnectionId, group, ct).ConfigureAwait(false);
        await presence.AddAsync(group, ct).ConfigureAwait(false);
        await hub.Clients.Caller.SendAsync(GatewayEvents.Joined, new ChannelEvent(channel), ct).ConfigureAwait(false);
    }

    /// <summary>The checks every channel request passes: an identified connection, a valid name, the rate limit.</summary>
    private async Task<ConnectionState?> CheckRequestAsync(Hub hub, string? channel)
    {
        if (!hub.Context.Items.TryGetValue(StateKey, out var value) || value is not ConnectionState state)
        {
            await SendErrorAsync(hub, "Unauthorized", GatewayErrorCodes.Unauthorized, channel).ConfigureAwait(false);
            return null;
        }

        if (string.IsNullOrWhiteSpace(channel) || channel.Length > options.Value.MaxChannelNameLength || channel.Any(char.IsControl))
        {
            await SendErrorAsync(hub, $"Invalid channel name: give a channelName of 1 to {options.Value.MaxChannelNameLength} printable characters.", GatewayErrorCodes.InvalidChannel, channel: null).ConfigureAwait(false);
            return null;
        }

        using var lease = limiters.AcquireChannelRequest(hub.Context.ConnectionId);
        if (!lease.IsAcquired)
        {
            Log.ChannelRequestsRateLimited(logger, hub.Context.ConnectionId, state.Identity.TenantId);
            await SendErrorAsync(hub, "Too many channel requests; slow down.", GatewayErrorCodes.RateLimited, channel).ConfigureAwait(false);
            return null;
        }

        return state;
    }

    private static Task SendErrorAsync(Hub hub, string message, string code, string? channel) =>
        hub.Clients.Caller.SendAsync(GatewayEvents.Error, new GatewayError(message, code, channel), hub.Context.ConnectionAborted);
}
