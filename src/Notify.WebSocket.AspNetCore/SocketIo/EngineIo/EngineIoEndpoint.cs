using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>Maps an <see cref="EngineIoServer"/> at a path, with the WebSocket middleware in front of it (as SignalR maps its hubs).</summary>
internal static class EngineIoEndpoint
{
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pattern, EngineIoServer server)
    {
        var app = endpoints.CreateApplicationBuilder();

        // Engine.IO has its own heartbeat: no WebSocket-level pings besides it.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(server.HandleAsync);
        RequestDelegate pipeline = app.Build();
        return endpoints.Map(pattern.TrimEnd('/') + "/", pipeline);
    }
}
