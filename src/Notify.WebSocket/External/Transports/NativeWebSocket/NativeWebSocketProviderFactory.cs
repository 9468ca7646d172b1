using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External.Transports.NativeWebSocket;

internal sealed class NativeWebSocketProviderFactory(AuthStrategyResolver auth, IncomingPipelineFactory pipelines, ReconnectionPolicies policies, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : ExternalProviderFactory(auth, pipelines, policies, timeProvider, loggerFactory)
{
    public override WebSocketProtocol Protocol => WebSocketProtocol.Ws;

    protected override ExternalConnection CreateConnection(ConnectionPoolKey key, WebSocketProviderOptions options, IReconnectionPolicy policy, string owner) =>
        new NativeWebSocketConnection(key, options, Auth, TimeProvider, LoggerFactory.CreateLogger<NativeWebSocketConnection>(), policy, owner);
}
