namespace Notify.WebSocket;

/// <summary>Options of the <see cref="InProcessNotificationGateway"/>.</summary>
public sealed class InProcessGatewayOptions
{
    /// <summary>
    /// How many undelivered notifications a connection buffers before the oldest is dropped (and counted on
    /// <c>notify.websocket.gateway.dropped</c>). Default 1024.
    /// </summary>
    public int ConnectionBufferCapacity { get; set; } = 1024;
}
