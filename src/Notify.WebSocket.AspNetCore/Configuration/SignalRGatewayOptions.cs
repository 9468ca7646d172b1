using System.Security.Claims;

namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// Options of the SignalR notification gateway: who may connect, which channels they may join, and how fast.
/// Per-tenant behaviour (<c>defaultChannels</c>, <c>supportChannelBroadcast</c>) comes from the provider's own
/// configuration (<c>Notifications:WebSocket</c> and its <c>tenants</c> overrides).
/// </summary>
public sealed class SignalRGatewayOptions
{
    /// <summary>The claim types tried, in order, for the user id. Default <c>sub</c>, then <see cref="ClaimTypes.NameIdentifier"/>.</summary>
    public IList<string> UserIdClaimTypes { get; set; } = new List<string> { "sub", ClaimTypes.NameIdentifier };

    /// <summary>The claim type of the tenant id. Default <c>tenant_id</c>.</summary>
    public string TenantIdClaimType { get; set; } = "tenant_id";

    /// <summary>
    /// Accept connections without an authenticated user. Default false: the hub endpoint requires authorization and
    /// connections without a user id and tenant id claim are refused. Anonymous connections belong to
    /// <see cref="AnonymousTenantId"/>, receive no user notifications and may join only permitted channels.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The tenant of anonymous connections; required when <see cref="AllowAnonymous"/> is true.</summary>
    public string? AnonymousTenantId { get; set; }

    /// <summary>
    /// Channel name patterns any connected user may join, besides the tenant's <c>defaultChannels</c>; <c>*</c> matches
    /// any run of characters (for example <c>public.*</c>). Matching is ordinal and case-sensitive. Default none.
    /// </summary>
    public IList<string> AllowedChannelPatterns { get; set; } = new List<string>();

    /// <summary>
    /// End a connection when its authentication expires (the token's <c>exp</c>, or whatever expiry the host's
    /// authentication handler sets), sending the <c>error</c> event <c>{ code: "UNAUTHORIZED", message: "token expired" }</c>
    /// first; requests made after expiry are refused the same way. Default true.
    /// </summary>
    public bool CloseOnAuthenticationExpiration { get; set; } = true;

    /// <summary>
    /// The longest channel name a client may join, in Unicode characters after NFC normalization. Default 128. The other
    /// channel-name rules (no control, format, separator or invisible characters) are fixed; see the README.
    /// </summary>
    public int MaxChannelNameLength { get; set; } = 128;

    /// <summary>How many channels one connection may be in at once. Default 100.</summary>
    public int MaxChannelsPerConnection { get; set; } = 100;

    /// <summary>
    /// Connections one user (per tenant) may open per <see cref="ConnectionWindow"/>; null means unlimited. Default 60. A
    /// refused connection gets an <c>error</c> event (<c>RATE_LIMITED</c>) and is closed. Anonymous connections have no
    /// identity to count against: limit them by address with ASP.NET Core's rate limiter on the endpoint.
    /// </summary>
    public int? ConnectionPermitLimit { get; set; } = 60;

    /// <summary>The window of <see cref="ConnectionPermitLimit"/>. Default 1 minute.</summary>
    public TimeSpan ConnectionWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <c>channel:join</c> and <c>channel:leave</c> requests one user (per tenant, over all of their connections; an
    /// anonymous connection: its own) may make per <see cref="ChannelRequestWindow"/>; null means unlimited. Default 20.
    /// The budget is the user's, so reconnecting does not renew it; with Redis scale-out it holds across instances.
    /// </summary>
    public int? ChannelRequestPermitLimit { get; set; } = 20;

    /// <summary>The window of <see cref="ChannelRequestPermitLimit"/>. Default 10 seconds.</summary>
    public TimeSpan ChannelRequestWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With the notification inbox: inbox requests (<c>inbox:read</c>, <c>inbox:unread</c>, <c>inbox:archive</c>,
    /// <c>inbox:unarchive</c>) one user may make per <see cref="InboxRequestWindow"/> over all their connections (with
    /// Redis scale-out, across instances); null means unlimited. Default 60.
    /// </summary>
    public int? InboxRequestPermitLimit { get; set; } = 60;

    /// <summary>The window of <see cref="InboxRequestPermitLimit"/>. Default 10 seconds.</summary>
    public TimeSpan InboxRequestWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Notifications one tenant may send through the gateway per <see cref="TenantSendWindow"/>; null means unlimited.
    /// Default null. With Redis scale-out the budget is shared by every instance. A refused send fails with
    /// <c>WEBSOCKET_RATE_LIMITED</c> (retryable).
    /// </summary>
    public int? TenantSendPermitLimit { get; set; }

    /// <summary>The window of <see cref="TenantSendWindow"/>. Default 1 second.</summary>
    public TimeSpan TenantSendWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a repeated warning is logged: refusals per connection, refused sends per tenant, refused connections,
    /// Redis failures. The first is logged at once, then at most one line per interval, saying how many were not
    /// logged; metrics count every one. Default 10 seconds; zero logs every occurrence.
    /// </summary>
    public TimeSpan LogThrottleInterval { get; set; } = TimeSpan.FromSeconds(10);
}
