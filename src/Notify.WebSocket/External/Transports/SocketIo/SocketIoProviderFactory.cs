using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External.Transports.SocketIo;

internal sealed class SocketIoProviderFactory(AuthStrategyResolver auth, IncomingPipelineFactory pipelines, ReconnectionPolicies policies, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : ExternalProviderFactory(auth, pipelines, policies, timeProvider, loggerFactory)
{
    public override WebSocketProtocol Protocol => WebSocketProtocol.SocketIo;

    protected override ExternalConnection CreateConnection(ConnectionPoolKey key, WebSocketProviderOptions options, IReconnectionPolicy policy, string owner)
    {
        var logger = LoggerFactory.CreateLogger<SocketIoConnection>();
        if (options.EnableCompression && !options.Transports.Contains("websocket", StringComparer.OrdinalIgnoreCase))
        {
            Log.CompressionIgnored(logger, key.ToString());
        }

        return new SocketIoConnection(key, options, Auth, TimeProvider, logger, policy, owner);
    }
}
