namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// Decides whether a connection may join a channel (the spec's "Use Channel Permissions"). Register your own
/// implementation to replace the default, which allows the tenant's <c>defaultChannels</c> and
/// <see cref="SignalRGatewayOptions.AllowedChannelPatterns"/> and denies the rest. Resolved from the hub's scope, so
/// it may be scoped. Denied joins answer the client with an <c>error</c> event ("Access denied").
/// </summary>
public interface IChannelAuthorizer
{
    /// <summary>Decides whether the connection may join the channel.</summary>
    /// <param name="context">Who asks for which channel.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    /// <returns>True to allow the join.</returns>
    ValueTask<bool> CanJoinAsync(ChannelAuthorizationContext context, CancellationToken cancellationToken = default);
}
