using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Notify.WebSocket;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Handling.Callback;
using Notify.WebSocket.Handling.Database;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Spool.AppendLog;
using Notify.WebSocket.Handling.Strategies;
using Notify.WebSocket.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class WebSocketNotificationsServiceCollectionExtensions
{
    /// <summary>The incoming-message pipeline, its spool and the built-in callback and database strategies.</summary>
    private static void AddIncomingHandling(IServiceCollection services)
    {
        // IHttpClientFactory's default loggers write four Information lines per request: a webhook that is down would
        // flood the log the outage report keeps to a handful of lines. A host that wants them adds AddDefaultLogger().
        services.AddHttpClient(MessageHandlingDefaults.CallbackHttpClientName).RemoveAllLoggers();
        services.TryAddSingleton<IMessageSpoolStore>(_ => new LogSpoolStore());
        services.TryAddSingleton(sp => new SpoolRegistry(sp.GetService<IMessageSpoolStore>()));
        services.TryAddSingleton(sp => new NotificationsDatabases(
            sp.GetServices<DatabaseProviderRegistration>(),
            Loggers(sp).CreateLogger<NotificationsDatabases>()));
        services.TryAddSingleton(sp => new CallbackStrategy(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp).CreateLogger<CallbackStrategy>()));
        services.TryAddSingleton(sp => new DatabaseStrategy(sp.GetRequiredService<NotificationsDatabases>()));
        services.TryAddSingleton(sp => new HandlingStrategies(sp.GetServices<HandlingStrategyRegistration>(), sp));
        services.TryAddSingleton(sp => new IncomingPipelineFactory(
            sp.GetRequiredService<HandlingStrategies>(),
            sp.GetRequiredService<SpoolRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            Loggers(sp)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReceiverStartService>(sp => new ReceiverStartService(
            sp,
            sp.GetRequiredService<ProviderRegistrations>(),
            sp.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>(),
            sp.GetRequiredService<IncomingPipelineFactory>(),
            sp.GetRequiredService<SpoolRegistry>(),
            sp.GetRequiredService<ProviderRegistry>(),
            Loggers(sp).CreateLogger<ReceiverStartService>())));
    }
}
