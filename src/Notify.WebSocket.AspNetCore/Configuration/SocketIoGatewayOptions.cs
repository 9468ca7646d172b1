namespace Notify.WebSocket.AspNetCore;

/// <summary>
/// Options of the Socket.IO endpoint (Engine.IO v4, Socket.IO v5). The defaults are the reference server's. The
/// gateway's rules (claims, anonymous access, channel patterns, limits) are the same for every transport and are set
/// with <see cref="SignalRGatewayOptions"/>.
/// </summary>
public sealed class SocketIoGatewayOptions
{
    /// <summary>How often the server pings each client; announced in the handshake. Default 25 seconds.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server waits for the pong before it closes the connection; announced in the handshake. Default 20 seconds.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The largest message (WebSocket) or request body (long-polling) a client may send, in bytes; announced as
    /// <c>maxPayload</c>. Larger ones close the connection (WebSocket close 1009, or HTTP 413). Default 1,000,000.
    /// </summary>
    public int MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>How long a connection may stay without joining a namespace before it is closed. Default 45 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How long the upgrade from long-polling to WebSocket may take once probed. Default 10 seconds.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The transports offered: <c>polling</c> and/or <c>websocket</c>. Default both.</summary>
    public IList<string> Transports { get; set; } = new List<string> { "polling", "websocket" };

    /// <summary>
    /// The authentication scheme that validates connections (the handshake's <c>auth.token</c> and the
    /// <c>access_token</c> query parameter are presented to it as a bearer token; otherwise the opening request's
    /// headers and cookies). Default null: the host's default authenticate scheme.
    /// </summary>
    public string? AuthenticationScheme { get; set; }

    /// <summary>
    /// Packets one connection may have waiting to be written (a client that stopped reading); beyond it the connection
    /// is closed, so a stuck client cannot hold memory. Default 10,000.
    /// </summary>
    public int MaxBufferedPackets { get; set; } = 10_000;
}
