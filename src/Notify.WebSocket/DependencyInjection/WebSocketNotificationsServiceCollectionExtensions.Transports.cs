using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket.Auth;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.NativeWebSocket;
using Notify.WebSocket.External.Transports.SocketIo;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class WebSocketNotificationsServiceCollectionExtensions
{
    /// <summary>One <see cref="IExternalProviderFactory"/> per protocol.</summary>
    private static void AddExternalTransports(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ReconnectionPolicies(sp.GetServices<ReconnectionPolicyRegistration>(), sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalProviderFactory, NativeWebSocketProviderFactory>(sp => new NativeWebSocketProviderFactory(
            sp.GetRequiredService<AuthStrategyResolver>(),
            sp.GetRequiredService<IncomingPipelineFactory>(),
            sp.GetRequiredService<ReconnectionPolicies>(),
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalProviderFactory, SocketIoProviderFactory>(sp => new SocketIoProviderFactory(
            sp.GetRequiredService<AuthStrategyResolver>(),
            sp.GetRequiredService<IncomingPipelineFactory>(),
            sp.GetRequiredService<ReconnectionPolicies>(),
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp))));
    }
}
