namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>The <c>code</c> of an <c>error</c> event sent to a client.</summary>
internal static class GatewayErrorCodes
{
    public const string AccessDenied = "CHANNEL_ACCESS_DENIED";
    public const string InvalidChannel = "CHANNEL_INVALID";
    public const string TooManyChannels = "CHANNEL_LIMIT_REACHED";
    public const string RateLimited = "RATE_LIMITED";
    public const string Unauthorized = "UNAUTHORIZED";
}
