namespace Notify.WebSocket.AspNetCore.Diagnostics;

/// <summary>The <c>notify.websocket.reason</c> values of <c>notify.websocket.gateway.refusals</c>.</summary>
internal static class RefusalReasons
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidChannel = "invalid_channel";
    public const string AccessDenied = "access_denied";
    public const string ChannelLimit = "channel_limit";
    public const string RateLimited = "rate_limited";
    public const string Unauthorized = "unauthorized";
    public const string TokenExpired = "token_expired";
    public const string SendRateLimited = "send_rate_limited";
    public const string PositionRefused = "position_refused";
    public const string InboxUnavailable = "inbox_unavailable";
}
