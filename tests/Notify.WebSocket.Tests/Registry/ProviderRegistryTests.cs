using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Registry;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Registry;

public sealed class ProviderRegistryTests
{
    private const string ExternalSection = """
        {
          "mode": "external", "protocol": "ws", "url": "wss://example.com/ws", "authType": "bearer", "authToken": "shared",
          "tenants": { "3": { "authToken": "tenant-3-only" } }
        }
        """;

    private static ServiceProvider Build(FakeExternalTransport transport, string section = ExternalSection) =>
        TestServices.FromSection(section, services: s => s.AddSingleton<IExternalProviderFactory>(transport));

    [Fact]
    public async Task SameTenant_GetsTheSameProvider()
    {
        var transport = new FakeExternalTransport();
        await using var services = Build(transport);
        var registry = services.GetRequiredService<ProviderRegistry>();

        var a = await registry.GetProviderAsync("1", TestContext.Current.CancellationToken);
        var b = await registry.GetProviderAsync("1", TestContext.Current.CancellationToken);

        Assert.Same(a, b);
    }

    [Fact]
    public async Task TenantsWithTheSameEndpointAndCredentials_ShareOneConnection()
    {
        var transport = new FakeExternalTransport();
        await using var services = Build(transport);
        var registry = services.GetRequiredService<ProviderRegistry>();

        var one = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("1", TestContext.Current.CancellationToken)).Inner();
        var two = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("2", TestContext.Current.CancellationToken)).Inner();

        Assert.NotSame(one, two);
        Assert.Same(one.Connection, two.Connection);
        Assert.Equal(1, registry.PooledConnectionCount);
    }

    [Fact]
    public async Task TenantWithOtherCredentials_GetsItsOwnConnection()
    {
        var transport = new FakeExternalTransport();
        await using var services = Build(transport);
        var registry = services.GetRequiredService<ProviderRegistry>();

        var one = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("1", TestContext.Current.CancellationToken)).Inner();
        var three = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("3", TestContext.Current.CancellationToken)).Inner();

        Assert.NotSame(one.Connection, three.Connection);
        Assert.Equal(2, registry.PooledConnectionCount);
    }

    [Fact]
    public async Task DisposingTheRegistry_ClosesEveryConnection()
    {
        var transport = new FakeExternalTransport();
        var services = Build(transport);
        var registry = services.GetRequiredService<ProviderRegistry>();
        await registry.GetProviderAsync("1", TestContext.Current.CancellationToken);
        await registry.GetProviderAsync("3", TestContext.Current.CancellationToken);

        await services.DisposeAsync();

        Assert.All(transport.Opened, c => Assert.True(c.Closed));
        Assert.Equal(0, registry.PooledConnectionCount);
    }

    [Fact]
    public async Task DisabledConfiguration_FailsSendsAsNotConfigured()
    {
        await using var services = TestServices.FromSection("""{ "enabled": false }""");
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", TestContext.Current.CancellationToken);

        var result = await provider.SendToUserAsync("u", new NotificationContent { Body = "x" }, TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(WebSocketErrorCodes.NotConfigured, result.Error!.Code);
        Assert.False((await provider.ValidateAsync(TestContext.Current.CancellationToken)).IsValid);
    }
}
