namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>The event names of the gateway's client protocol (DESIGN.md, "Internal gateway").</summary>
internal static class GatewayEvents
{
    /// <summary>Client to server: <c>{ channelName }</c>.</summary>
    public const string Join = "channel:join";

    /// <summary>Client to server: <c>{ channelName }</c>.</summary>
    public const string Leave = "channel:leave";

    /// <summary>Server to client: a <see cref="NotificationPayload"/>.</summary>
    public const string NotificationNew = "notification:new";

    /// <summary>Server to client: <c>{ channelName }</c>.</summary>
    public const string Joined = "channel:joined";

    /// <summary>Server to client: <c>{ channelName }</c>.</summary>
    public const string Left = "channel:left";

    /// <summary>Server to client: <c>{ message, code, channelName? }</c>.</summary>
    public const string Error = "error";
}
