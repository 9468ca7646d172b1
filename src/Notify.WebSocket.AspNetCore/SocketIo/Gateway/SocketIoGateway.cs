using System.Diagnostics.Metrics;
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
            async (client, request) => client.OpenState = await authenticator.AuthenticateRequestAsync(request).ConfigureAwait(false));
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
    }

    public SocketIoGatewayNamespace Namespace { get; }

    public EngineIoServer Engine { get; }

    public SocketIoDiagnostics Diagnostics { get; }
}
