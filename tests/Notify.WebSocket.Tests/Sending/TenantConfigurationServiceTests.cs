using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Registry;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Sending;

public sealed class TenantConfigurationServiceTests
{
    private const string Section = """{ "mode": "external", "protocol": "ws", "url": "wss://example.com/ws", "authType": "bearer", "authToken": "old-token" }""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenRotation_NextSendsUseTheNewToken_AndTheOldConnectionIsReleased()
    {
        var transport = new FakeExternalTransport();
        await using var services = TestServices.FromSection(Section, services: s => s.AddSingleton<IExternalProviderFactory>(transport));
        var registry = services.GetRequiredService<ProviderRegistry>();
        var before = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("1", Ct)).Inner();

        await services.GetRequiredService<ITenantConfigurationService>().UpdateProviderConfigAsync("1", o => o.AuthToken = "new-token", Ct);

        var after = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("1", Ct)).Inner();
        Assert.NotSame(before, after);
        Assert.Equal("new-token", after.Options.AuthToken);
        Assert.True(before.Connection.Closed);
        Assert.NotEqual(before.Connection.Key, after.Connection.Key);
        Assert.Equal(1, registry.PooledConnectionCount);
    }

    [Fact]
    public async Task Update_OnlyAffectsThatTenant()
    {
        var transport = new FakeExternalTransport();
        await using var services = TestServices.FromSection(Section, services: s => s.AddSingleton<IExternalProviderFactory>(transport));
        var registry = services.GetRequiredService<ProviderRegistry>();
        var other = (FakeExternalTransport.Provider)(await registry.GetProviderAsync("2", Ct)).Inner();
        await registry.GetProviderAsync("1", Ct);

        await services.GetRequiredService<ITenantConfigurationService>().UpdateProviderConfigAsync("1", o => o.AuthToken = "new-token", Ct);

        Assert.Same(other, (await registry.GetProviderAsync("2", Ct)).Inner());
        Assert.False(other.Connection.Closed);
        Assert.Equal("old-token", other.Options.AuthToken);
    }

    [Fact]
    public async Task InvalidUpdate_IsRejectedAndChangesNothing()
    {
        await using var services = TestServices.FromSection("""{ "supportChannelBroadcast": true }""");
        var registry = services.GetRequiredService<ProviderRegistry>();
        var before = await registry.GetProviderAsync("1", Ct);
        var configuration = services.GetRequiredService<ITenantConfigurationService>();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () => await configuration.UpdateProviderConfigAsync("1", o => o.Mode = WebSocketMode.External, Ct));

        Assert.Contains(ex.Failures, f => f.Contains("url is required", StringComparison.Ordinal));
        Assert.Same(before, await registry.GetProviderAsync("1", Ct));
        Assert.Equal(WebSocketMode.Internal, services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket:tenants:1").Mode);
    }

    [Fact]
    public async Task UpdatedBroadcastSwitch_TakesEffectOnTheNextSend()
    {
        await using var services = TestServices.FromSection("{}");
        var sender = services.GetRequiredService<INotificationSender>();
        var request = new NotificationRequest { Recipient = NotificationRecipient.ForChannel("alerts"), Content = new NotificationContent { Body = "x" }, TenantId = "1" };
        Assert.False((await sender.SendAsync(request, Ct)).Success);

        await services.GetRequiredService<ITenantConfigurationService>().UpdateProviderConfigAsync("1", o => o.SupportChannelBroadcast = true, Ct);
        Assert.True((await sender.SendAsync(request, Ct)).Success);

        await services.GetRequiredService<ITenantConfigurationService>().ResetProviderConfigAsync("1", Ct);
        Assert.False((await sender.SendAsync(request, Ct)).Success);
    }

    [Fact]
    public async Task AppsettingsReload_RecreatesProviders()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:WebSocket:supportChannelBroadcast"] = "false" })
            .Build();
        var collection = new ServiceCollection();
        collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket"));
        await using var services = collection.BuildServiceProvider();
        var registry = services.GetRequiredService<ProviderRegistry>();
        var provider = await registry.GetProviderAsync("1", Ct);
        var before = provider.Inner();

        configuration["Notifications:WebSocket:supportChannelBroadcast"] = "true";
        configuration.Reload();

        var after = await registry.GetProviderAsync("1", Ct);
        Assert.Same(provider, after);
        Assert.NotSame(before, after.Inner());

        // The provider obtained before the change is still the tenant's provider, with the new configuration.
        Assert.True((await provider.SendToChannelAsync("alerts", new NotificationContent(), Ct)).Success);
    }
}
