using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External;

/// <summary>
/// Creates external providers for one protocol: leases the pooled connection for the options' pool key (opening it
/// when it is the first lease) and wires the provider to it. Transports only say how to build their connection.
/// </summary>
internal abstract class ExternalProviderFactory(
    AuthStrategyResolver auth,
    IncomingPipelineFactory pipelines,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IExternalProviderFactory
{
    public abstract WebSocketProtocol Protocol { get; }

    protected AuthStrategyResolver Auth { get; } = auth;

    protected TimeProvider TimeProvider { get; } = timeProvider;

    protected ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool)
    {
        var lease = pool.Acquire(ConnectionPoolKey.From(options), key =>
        {
            var connection = CreateConnection(key, options);
            connection.Start();
            return connection;
        });
        return new ExternalProvider(tenantId, options, lease, pipelines.Create(tenantId, options), TimeProvider, LoggerFactory.CreateLogger<ExternalProvider>());
    }

    protected abstract ExternalConnection CreateConnection(ConnectionPoolKey key, WebSocketProviderOptions options);
}
