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

    /// <summary>Server to client, with the inbox: the end of a stream's replay (<see cref="StreamReplay"/>); what follows is live.</summary>
    public const string NotificationReplayed = "notification:replayed";

    /// <summary>Server to client, with the inbox: the user's read or archived state changed on some device (<see cref="InboxChange"/>).</summary>
    public const string InboxUpdated = "inbox:updated";

    /// <summary>Client to server: <c>{ ids }</c>, <c>{ all: true }</c> or <c>{ stream, position }</c>.</summary>
    public const string InboxRead = "inbox:read";

    /// <summary>Client to server: <c>{ ids }</c>.</summary>
    public const string InboxUnread = "inbox:unread";

    /// <summary>Client to server: <c>{ ids }</c>.</summary>
    public const string InboxArchive = "inbox:archive";

    /// <summary>Client to server: <c>{ ids }</c>.</summary>
    public const string InboxUnarchive = "inbox:unarchive";
}
