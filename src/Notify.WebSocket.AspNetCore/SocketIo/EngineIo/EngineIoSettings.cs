namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>The Engine.IO server's settings, fixed when the endpoint is mapped.</summary>
/// <param name="PingInterval">How often the server pings (announced in the handshake).</param>
/// <param name="PingTimeout">How long the server waits for the pong (announced in the handshake).</param>
/// <param name="MaxPayload">The largest message or polling body accepted, in bytes (<c>maxHttpBufferSize</c>).</param>
/// <param name="UpgradeTimeout">How long an upgrade to WebSocket may take after the probe.</param>
/// <param name="AllowPolling">Whether HTTP long-polling is offered.</param>
/// <param name="AllowWebSocket">Whether WebSocket is offered (and so the upgrade).</param>
/// <param name="MaxBufferedFrames">Packets a session may have waiting to be written; beyond it the client is too slow and is closed.</param>
internal sealed record EngineIoSettings(
    TimeSpan PingInterval,
    TimeSpan PingTimeout,
    int MaxPayload,
    TimeSpan UpgradeTimeout,
    bool AllowPolling,
    bool AllowWebSocket,
    int MaxBufferedFrames)
{
    public static EngineIoSettings Default { get; } = new(
        TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(20), 1_000_000, TimeSpan.FromSeconds(10), AllowPolling: true, AllowWebSocket: true, MaxBufferedFrames: 10_000);
}
