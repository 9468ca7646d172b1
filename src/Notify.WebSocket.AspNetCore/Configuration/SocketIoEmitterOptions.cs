namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// Options of the Socket.IO emitter gateway: internal mode for a .NET service with no clients of its own, pushing
/// notifications into an existing Socket.IO cluster (Node servers with <c>@socket.io/redis-adapter</c>) through Redis,
/// as <c>@socket.io/redis-emitter</c> does. Room names are templates with the placeholders <c>{tenantId}</c>,
/// <c>{userId}</c> and <c>{channel}</c>.
/// </summary>
public sealed class SocketIoEmitterOptions
{
    /// <summary>The StackExchange.Redis configuration string of the cluster's Redis, for example <c>127.0.0.1:6379</c>. Required.</summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>The adapter's key (the <c>key</c> option of the cluster's <c>@socket.io/redis-adapter</c>). Default <c>socket.io</c>.</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>The namespace the cluster's clients are in. Default <c>/</c>.</summary>
    public string Namespace { get; set; } = "/";

    /// <summary>
    /// The room of a user's sockets. Default <c>user:{userId}</c>, the original system's. A room without
    /// <c>{tenantId}</c> is shared by every tenant: where the cluster serves several tenants, join sockets to
    /// <c>t:{tenantId}:user:{userId}</c> (or similar) and set that here.
    /// </summary>
    public string UserRoom { get; set; } = "user:{userId}";

    /// <summary>The room of a channel's members. Default <c>channel:{channel}</c>; <c>{tenantId}</c> is recommended, as for <see cref="UserRoom"/>.</summary>
    public string ChannelRoom { get; set; } = "channel:{channel}";

    /// <summary>The event the clients listen to. Default <c>notification:new</c>.</summary>
    public string EventName { get; set; } = "notification:new";
}
