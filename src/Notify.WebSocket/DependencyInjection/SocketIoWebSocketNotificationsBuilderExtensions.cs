using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket;
using Notify.WebSocket.Auth;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.SocketIo;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The Socket.IO transport of external mode (<c>protocol: "socketio"</c>), added on request.</summary>
public static class SocketIoWebSocketNotificationsBuilderExtensions
{
    /// <summary>
    /// Adds the Socket.IO transport, so providers with <c>protocol: "socketio"</c> can connect (without it, such a
    /// configuration stops the host at start). It is built on SocketIOClient, which is not trim- or Native-AOT-safe;
    /// an application that does not call this method keeps none of that code and gets no warning from it.
    /// Calling it again is harmless.
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    [RequiresUnreferencedCode(SocketIoTrimming.Reason)]
    [RequiresDynamicCode(SocketIoTrimming.Reason)]
    public static IWebSocketNotificationsBuilder AddSocketIo(this IWebSocketNotificationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        TransportRegistration.Add(services, WebSocketProtocol.SocketIo);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalProviderFactory, SocketIoProviderFactory>(sp => new SocketIoProviderFactory(
            sp.GetRequiredService<AuthStrategyResolver>(),
            sp.GetRequiredService<IncomingPipelineFactory>(),
            sp.GetRequiredService<ReconnectionPolicies>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Logging.ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance)));
        return builder;
    }
}
