using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Internal;

namespace Notify.WebSocket.Registry;

/// <summary>Creates the provider a configuration asks for.</summary>
internal sealed class ProviderFactory(
    IServiceProvider services,
    IEnumerable<IExternalProviderFactory> externalFactories,
    JsonSerializerOptions payloadSerializerOptions,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    private readonly JsonSerializerOptions _json = WebSocketNotificationsJsonOptions.Ready(payloadSerializerOptions);

    public WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool, string owner, WebSocketProviderBase? predecessor = null)
    {
        var provider = CreateProvider(tenantId, options, pool, owner, predecessor);
        provider.PayloadSerializerOptions = _json;
        return provider;
    }

    private WebSocketProviderBase CreateProvider(string tenantId, WebSocketProviderOptions options, ConnectionPool pool, string owner, WebSocketProviderBase? predecessor)
    {
        if (!options.Enabled)
        {
            return new DisabledProvider(tenantId, options, timeProvider, loggerFactory.CreateLogger<DisabledProvider>());
        }

        if (options.Mode == WebSocketMode.Internal)
        {
            var gateway = (INotificationGateway?)services.GetService(typeof(INotificationGateway))
                ?? throw new InvalidOperationException("Internal mode needs an INotificationGateway; AddWebSocketNotifications registers the in-process gateway unless another one replaced it.");
            var inboxOn = services.GetService(typeof(NotificationJournal)) is not null;
            return new InternalGatewayProvider(tenantId, options, gateway, timeProvider, loggerFactory.CreateLogger<InternalGatewayProvider>(), inboxOn);
        }

        var protocol = options.Protocol ?? WebSocketProtocol.Ws;
        var factory = externalFactories.LastOrDefault(f => f.Protocol == protocol)
            ?? throw new WebSocketNotificationException(
                WebSocketErrorCodes.NotConfigured,
                protocol == WebSocketProtocol.Ws ? "No transport is registered for protocol \"ws\"." : "The Socket.IO transport is not added; call .AddSocketIo() on the builder AddWebSocketNotifications returns.",
                retryable: false);
        return factory.Create(tenantId, options, pool, owner, predecessor);
    }
}
