using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>
/// A unit-level seam for the registry: an "external transport" whose connections only record that they were opened
/// and closed. Real transports are tested against real servers in their own test folders.
/// </summary>
internal sealed class FakeExternalTransport : IExternalProviderFactory
{
    public List<FakeConnection> Opened { get; } = [];

    public WebSocketProtocol Protocol => WebSocketProtocol.Ws;

    public WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool, string owner, WebSocketProviderBase? predecessor = null)
    {
        var lease = pool.Acquire(ConnectionPoolKey.From(options), key =>
        {
            var connection = new FakeConnection(key);
            lock (Opened)
            {
                Opened.Add(connection);
            }

            return connection;
        });
        return new Provider(tenantId, options, lease);
    }

    internal sealed class FakeConnection(ConnectionPoolKey key) : PooledConnection(key)
    {
        public bool Closed { get; private set; }

        public override WebSocketConnectionState State => Closed ? WebSocketConnectionState.Disposed : WebSocketConnectionState.Connected;

        public override ValueTask DisposeAsync()
        {
            Closed = true;
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class Provider(string tenantId, WebSocketProviderOptions options, ConnectionLease<FakeConnection> lease)
        : WebSocketProviderBase(tenantId, options, TimeProvider.System, NullLogger.Instance)
    {
        public FakeConnection Connection => lease.Connection;

        public new WebSocketProviderOptions Options => base.Options;

        public override WebSocketMode Mode => WebSocketMode.External;

        public override WebSocketConnectionState State => lease.Connection.State;

        public override ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default) => new(ProviderValidationResult.Valid);

        protected override ValueTask<SendResult> SendToUserCoreAsync(string id, string userId, NotificationContent content, CancellationToken cancellationToken) =>
            new(SendResult.Succeeded(id, DateTimeOffset.UtcNow));

        protected override ValueTask<SendResult> SendToChannelCoreAsync(string id, string channel, NotificationContent content, CancellationToken cancellationToken) =>
            new(SendResult.Succeeded(id, DateTimeOffset.UtcNow));

        protected override ValueTask<JsonElement> QueryCoreAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override ValueTask ReleaseResourcesAsync() => lease.DisposeAsync();
    }
}
