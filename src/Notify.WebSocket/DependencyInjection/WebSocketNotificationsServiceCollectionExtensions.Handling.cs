using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket;
using Notify.WebSocket.Handling;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class WebSocketNotificationsServiceCollectionExtensions
{
    /// <summary>The incoming-message pipeline and the built-in handling strategies.</summary>
    private static void AddIncomingHandling(IServiceCollection services) =>
        services.TryAddSingleton(sp => new IncomingPipelineFactory(sp.GetServices<IMessageHandlingStrategy>(), Loggers(sp)));
}
