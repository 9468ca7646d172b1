using Notify.WebSocket.External;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.Tests.TestSupport;

internal static class ProviderExtensions
{
    /// <summary>The provider a registry handle forwards to right now.</summary>
    public static WebSocketProviderBase Inner(this IWebSocketProvider provider) =>
        provider is TenantProviderHandle handle ? handle.Current() : (WebSocketProviderBase)provider;

    /// <summary>The pooled connection behind an external provider.</summary>
    public static ExternalConnection Connection(this IWebSocketProvider provider) => ((ExternalProvider)provider.Inner()).Connection;
}
