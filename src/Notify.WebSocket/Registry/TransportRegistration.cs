using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Registry;

/// <summary>A protocol whose transport is registered (native ws always; Socket.IO with <c>.AddSocketIo()</c>), for validation at start.</summary>
internal sealed record TransportRegistration(WebSocketProtocol Protocol)
{
    /// <summary>Registers <paramref name="protocol"/> once, however often it is added.</summary>
    public static void Add(IServiceCollection services, WebSocketProtocol protocol)
    {
        if (!services.Any(d => d.ImplementationInstance is TransportRegistration registered && registered.Protocol == protocol))
        {
            services.AddSingleton(new TransportRegistration(protocol));
        }
    }
}
