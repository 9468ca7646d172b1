using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.DependencyInjection;

public sealed class RegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallingAddTwice_IsHarmless()
    {
        var configuration = TestServices.Configuration("""{ "Notifications": { "WebSocket": { } } }""");
        var collection = new ServiceCollection().AddLogging();
        collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket"));
        collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket"));
        collection.AddHealthChecks().AddCheck<WebSocketProvidersHealthCheck>("websocket-notifications");
        await using var services = collection.BuildServiceProvider(validateScopes: true);

        Assert.Single(services.GetServices<ProviderRegistry>());
        Assert.Single(services.GetServices<INotificationGateway>());
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Single(report.Entries);
    }

    [Fact]
    public async Task ActionOverload_ConfiguresInCode()
    {
        var collection = new ServiceCollection();
        collection.AddWebSocketNotifications(o =>
        {
            o.SupportChannelBroadcast = true;
            o.DefaultChannels = ["system"];
        });
        await using var services = collection.BuildServiceProvider();
        await using var connection = services.GetRequiredService<InProcessNotificationGateway>().Connect("default", "u");

        var result = await services.GetRequiredService<IWebSocketProvider>().SendToChannelAsync("system", new NotificationContent { Body = "b" }, Ct);

        Assert.True(result.Success);
        Assert.Equal(1, result.Metadata["deliveredConnections"]);
    }

    [Fact]
    public async Task HealthCheck_ReportsEachProvidersState()
    {
        await using var services = TestServices.FromSection(
            """{ "tenants": { "off": { "enabled": false } } }""",
            services: s => s.AddHealthChecks().AddCheck<WebSocketProvidersHealthCheck>("websocket-notifications"));
        var registry = services.GetRequiredService<ProviderRegistry>();
        await registry.GetProviderAsync("1", Ct);

        var healthy = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal("Connected", healthy.Entries["websocket-notifications"].Data["websocket/1"]);

        await registry.GetProviderAsync("off", Ct);
        var degraded = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
    }

    [Fact]
    public async Task Meter_CountsSentAndFailed()
    {
        var tenant = "metrics-" + Guid.NewGuid().ToString("N");
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Notify.WebSocket")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "notify.websocket.tenant" && (string?)tag.Value == tenant)
                {
                    lock (counts)
                    {
                        counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        });
        listener.Start();

        await using var services = TestServices.FromSection("{}");
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync(tenant, Ct);
        await provider.SendToUserAsync("u", new NotificationContent(), Ct);
        await provider.SendToUserAsync("u", new NotificationContent(), Ct);
        await provider.SendToChannelAsync("c", new NotificationContent(), Ct);

        Assert.Equal(2, counts["notify.websocket.messages.sent"]);
        Assert.Equal(1, counts["notify.websocket.messages.failed"]);
    }
}
