namespace Notify.WebSocket.AspNetCore;

/// <summary>The body of <c>channel:join</c> and <c>channel:leave</c>: <c>{ channelName }</c>.</summary>
public sealed class ChannelRequest
{
    /// <summary>The channel to join or leave (a name within the connection's tenant).</summary>
    public string? ChannelName { get; set; }
}
