using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.SocketIo.Gateway;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint of the notification gateway.</summary>
public static class SocketIoGatewayEndpointRouteBuilderExtensions
{
    /// <summary>The path Socket.IO clients use when none is given.</summary>
    public const string DefaultPattern = "/socket.io";

    /// <summary>
    /// Maps the Socket.IO endpoint (long-polling and WebSocket) at <paramref name="pattern"/>. Connections are
    /// authenticated by the host's authentication when they join the default namespace (the handshake's
    /// <c>auth.token</c>, the <c>Authorization</c> header or the <c>access_token</c> query parameter); refused ones get
    /// CONNECT_ERROR. CORS is off: add <c>.RequireCors(policy)</c> to serve browsers of other origins.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path, default <c>/socket.io</c> (socket.io-client's default).</param>
    /// <returns>The endpoint, for further conventions (CORS, rate limiting, host filtering).</returns>
    /// <exception cref="InvalidOperationException"><c>AddSocketIoGateway</c> was not called.</exception>
    public static IEndpointConventionBuilder MapSocketIoGateway(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var gateway = endpoints.ServiceProvider.GetService<SocketIoGateway>()
            ?? throw new InvalidOperationException("The Socket.IO gateway is not registered: call services.AddWebSocketNotifications(...).AddSocketIoGateway() first.");
        return EngineIoEndpoint.Map(endpoints, pattern, gateway.Engine);
    }
}
