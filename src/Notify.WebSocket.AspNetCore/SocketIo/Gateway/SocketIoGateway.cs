using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>The Socket.IO endpoint of the gateway: one Engine.IO server, one Socket.IO server, the gateway's namespace.</summary>
internal sealed class SocketIoGateway
{
    public SocketIoGateway(
        SocketIoGatewayNamespace gatewayNamespace,
        SocketIoAuthenticator authenticator,
        IOptions<SocketIoGatewayOptions> options,
        IOptions<SignalRGatewayOptions> gatewayOptions,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        IHostApplicationLifetime lifetime,
        ILogger<SocketIoGateway> logger)
    {
        var o = options.Value;
        Namespace = gatewayNamespace;
        Diagnostics = new SocketIoDiagnostics(logger, timeProvider, gatewayOptions.Value.LogThrottleInterval, meterFactory);
        var socketIo = new SocketIoServer(
            [gatewayNamespace],
            SocketIoServerSettings.Default with { ConnectTimeout = o.ConnectTimeout },
            timeProvider,
            Diagnostics,
            async (client, request) => client.OpenState = new SocketIoOpening(
                await authenticator.AuthenticateRequestAsync(request).ConfigureAwait(false),
                QueryParameters.Get(request.Request.QueryString.Value, Inbox.PositionsReader.Parameter)));
        Engine = new EngineIoServer(
            new EngineIoSettings(
                o.PingInterval,
                o.PingTimeout,
                o.MaxHttpBufferSize,
                o.UpgradeTimeout,
                AllowPolling: o.Transports.Contains("polling"),
                AllowWebSocket: o.Transports.Contains("websocket"),
                MaxBufferedFrames: o.MaxBufferedPackets),
            socketIo,
            timeProvider,
            Diagnostics);

        // Open WebSockets would hold the host's shutdown for its whole timeout: they are closed when it begins, and
        // their clients reconnect (to another instance, or to this one when it is back).
        lifetime.ApplicationStopping.Register(static engine => ((EngineIoServer)engine!).CloseAll("server shutting down"), Engine);
    }

    public SocketIoGatewayNamespace Namespace { get; }

    public EngineIoServer Engine { get; }

    public SocketIoDiagnostics Diagnostics { get; }
}
