namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// Options of the gateway's Redis scale-out: SignalR's Redis backplane, presence across instances, and the rate limits
/// shared by every instance, all over one Redis.
/// </summary>
public sealed class RedisScaleOutOptions
{
    /// <summary>The StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>. One endpoint, not a cluster. Required.</summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Keeps apps sharing one Redis apart: the prefix of the backplane's channels, the presence keys and the rate-limit keys. Default <c>notify</c>.</summary>
    public string ChannelPrefix { get; set; } = "notify";

    /// <summary>
    /// The Socket.IO Redis adapter's key (the <c>key</c> option of <c>@socket.io/redis-adapter</c>): broadcasts go on
    /// the channels <c>{key}#/#{room}#</c>, so Node servers and emitters using the same key share them. Default
    /// <c>socket.io</c>, the adapter's own default.
    /// </summary>
    public string SocketIoKey { get; set; } = "socket.io";

    /// <summary>
    /// How long an instance's presence outlives it: each instance refreshes its liveness key every third of this, so
    /// the connections of an instance that crashed (no orderly shutdown) stop counting in other instances' presence
    /// within this time. At least 1 second. Default 30 seconds.
    /// </summary>
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
