using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>
/// A container configured the way a host does (external mode, receiving on, the given <c>messageHandling</c>), from
/// which tests start the real incoming pipeline for a tenant.
/// </summary>
internal sealed class HandlingHarness : IAsyncDisposable
{
    private HandlingHarness(ServiceProvider services, CapturingLoggerProvider logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public WebSocketProviderOptions Options => Services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");

    public static HandlingHarness Create(
        Action<MessageHandlingOptions> handling,
        Action<IWebSocketNotificationsBuilder>? builder = null,
        Action<IServiceCollection>? services = null,
        bool sqlite = true,
        IEnumerable<TestStrategy>? strategies = null)
    {
        var logs = new CapturingLoggerProvider();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var notifications = collection.AddWebSocketNotifications(o =>
        {
            o.Mode = WebSocketMode.External;
            o.Protocol = WebSocketProtocol.Ws;
            o.Url = "ws://127.0.0.1:9/ws";
            o.EnableReceiving = true;
            o.MessageHandling.RetryDelay = 20;
            o.MessageHandling.MaxRetryDelay = 200;
            handling(o.MessageHandling);
        });
        if (sqlite)
        {
            notifications.AddSqlite();
        }

        foreach (var strategy in strategies ?? [])
        {
            strategy.AddTo(notifications);
        }

        builder?.Invoke(notifications);
        services?.Invoke(collection);
        return new HandlingHarness(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), logs);
    }

    /// <summary>The tenant's pipeline, built from the tenant's options as the registry does.</summary>
    public IncomingPipeline StartPipeline(string tenantId = "tenant-7")
    {
        var options = Services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get(ProviderOptionsNames.For("websocket", tenantId));
        return Services.GetRequiredService<IncomingPipelineFactory>().Create(tenantId, options) ?? throw new InvalidOperationException("No strategy selected.");
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
