namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>The <c>code</c> of an <c>error</c> event sent to a client: stable, for client code to switch on.</summary>
internal static class GatewayErrorCodes
{
    /// <summary>The request does not have the protocol's shape (not an object with a string <c>channelName</c>, or not well-formed text).</summary>
    public const string InvalidRequest = "INVALID_REQUEST";

    /// <summary>The channel name breaks the channel-name rules (<see cref="ChannelNames"/>).</summary>
    public const string InvalidChannel = "CHANNEL_INVALID";

    /// <summary>The <see cref="IChannelAuthorizer"/> refused the join.</summary>
    public const string AccessDenied = "CHANNEL_ACCESS_DENIED";

    /// <summary>The connection is already in <see cref="SignalRGatewayOptions.MaxChannelsPerConnection"/> channels.</summary>
    public const string TooManyChannels = "CHANNEL_LIMIT_REACHED";

    /// <summary>The user made too many channel requests in the window.</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>The connection has no identity, or its authentication expired (then it is closed).</summary>
    public const string Unauthorized = "UNAUTHORIZED";

    /// <summary>A position names a stream of another tenant or user, or of a channel the user may not follow: no replay for it.</summary>
    public const string PositionRefused = "POSITION_REFUSED";

    /// <summary>The notification store is unavailable: the inbox request did not happen; retry later.</summary>
    public const string InboxUnavailable = "INBOX_UNAVAILABLE";
}
