using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket;
using Notify.WebSocket.Auth;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.NativeWebSocket;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class WebSocketNotificationsServiceCollectionExtensions
{
    /// <summary>The native ws transport; Socket.IO is added on request (<c>.AddSocketIo()</c>: it is not trim-safe).</summary>
    private static void AddExternalTransports(IServiceCollection services)
    {
        TransportRegistration.Add(services, WebSocketProtocol.Ws);
        services.TryAddSingleton(sp => new ReconnectionPolicies(sp.GetServices<ReconnectionPolicyRegistration>(), sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalProviderFactory, NativeWebSocketProviderFactory>(sp => new NativeWebSocketProviderFactory(
            sp.GetRequiredService<AuthStrategyResolver>(),
            sp.GetRequiredService<IncomingPipelineFactory>(),
            sp.GetRequiredService<ReconnectionPolicies>(),
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp))));
    }
}
