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
    ReconnectionPolicies policies,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IExternalProviderFactory
{
    public abstract WebSocketProtocol Protocol { get; }

    protected AuthStrategyResolver Auth { get; } = auth;

    protected TimeProvider TimeProvider { get; } = timeProvider;

    protected ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool, string owner, WebSocketProviderBase? predecessor = null)
    {
        // Credentials that may differ per tenant although the options are equal are never shared: the key says whose they are.
        var key = ConnectionPoolKey.From(options, Auth.IsPerTenant(options, ProviderOptionsNames.Parse(owner).ProviderName) ? owner : null);

        // Rotation in place: a provider whose connection no one else shares keeps it under the new credentials, which
        // the connection uses from its next attempt on (reconnecting gracefully now if it is connected).
        if (predecessor is ExternalProvider { Connection: var current } && current.Key.DiffersOnlyInCredentials(key) && pool.TryRekey(current, key, owner))
        {
            current.RotateCredentials(options);
        }

        var lease = pool.Acquire(key, k => CreateConnection(k, options, policies.For(owner, options), owner), owner);
        var provider = new ExternalProvider(tenantId, options, lease, pipelines.Create(tenantId, options, ProviderOptionsNames.Parse(owner).ProviderName), TimeProvider, LoggerFactory.CreateLogger<ExternalProvider>());

        // Started once its first provider listens, so no frame is read before someone can take it.
        lease.Connection.Start();
        return provider;
    }

    protected abstract ExternalConnection CreateConnection(ConnectionPoolKey key, WebSocketProviderOptions options, IReconnectionPolicy policy, string owner);
}
