using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Configuration;

public sealed class TenantOverrideTests
{
    private const string Section = """
        {
          "mode": "external", "protocol": "socketio", "url": "https://notifications.example.com",
          "authType": "bearer", "authToken": "base-token",
          "transports": ["websocket", "polling"],
          "customEvents": { "notification": "notify" },
          "messageHandling": { "strategy": "kafka", "kafkaTopic": "base.topic" },
          "tenants": {
            "1": { "authToken": "tenant-1-token", "transports": ["polling"], "messageHandling": { "kafkaTopic": "t1.topic" } },
            "2": { "authType": "query", "authQuery": { "key": "t2" } }
          }
        }
        """;

    private static WebSocketProviderOptions Get(ServiceProvider services, string? tenant) =>
        services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get(ProviderOptionsNames.For("websocket", tenant));

    [Fact]
    public void TenantValues_AreMergedOverTheBaseSection()
    {
        using var services = TestServices.FromSection(Section, SpecKafkaStandIn.AddTo);

        var t1 = Get(services, "1");

        Assert.Equal("tenant-1-token", t1.AuthToken);
        Assert.Equal("https://notifications.example.com", t1.Url);
        Assert.Equal(["polling"], t1.Transports);
        Assert.Equal("t1.topic", SpecKafkaStandIn.Of(t1).Topic); // a strategy's alias key merges like its own keys
        Assert.Equal("kafka", t1.MessageHandling.Strategy);
        Assert.Equal("notify", t1.CustomEvents.Notification);
    }

    [Fact]
    public void TenantCredentials_ReplaceTheBaseOnesWhole()
    {
        using var services = TestServices.FromSection(Section, SpecKafkaStandIn.AddTo);

        var t2 = Get(services, "2");

        Assert.Equal("query", t2.AuthType);
        Assert.Equal(new Dictionary<string, string> { ["key"] = "t2" }, t2.AuthQuery);
    }

    [Fact]
    public void TenantWithoutOverrides_GetsTheBaseSection()
    {
        using var services = TestServices.FromSection(Section, SpecKafkaStandIn.AddTo);

        var t9 = Get(services, "9");

        Assert.Equal("base-token", t9.AuthToken);
        Assert.Equal(["websocket", "polling"], t9.Transports);
    }

    [Fact]
    public void CodeOverrides_ApplyAfterConfiguration()
    {
        using var services = TestServices.FromSection(Section, b => { SpecKafkaStandIn.AddTo(b); b.ConfigureTenant("1", o => o.RequestTimeout = 1234); });

        Assert.Equal(1234, Get(services, "1").RequestTimeout);
        Assert.Equal(5000, Get(services, "2").RequestTimeout);
    }
}
