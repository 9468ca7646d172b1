using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External.Transports.NativeWebSocket;

internal sealed class NativeWebSocketProviderFactory(
    AuthStrategyResolver auth,
    IncomingPipelineFactory pipelines,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IExternalProviderFactory
{
    public WebSocketProtocol Protocol => WebSocketProtocol.Ws;

    public WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool)
    {
        var lease = pool.Acquire<ExternalConnection>(ConnectionPoolKey.From(options), key =>
        {
            var connection = new NativeWebSocketConnection(key, options, auth, timeProvider, loggerFactory.CreateLogger<NativeWebSocketConnection>());
            connection.Start();
            return connection;
        });
        return new ExternalProvider(tenantId, options, lease, pipelines.Create(tenantId, options), timeProvider, loggerFactory.CreateLogger<ExternalProvider>());
    }
}
