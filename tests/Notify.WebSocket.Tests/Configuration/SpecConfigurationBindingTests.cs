using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Configuration;

public sealed class SpecConfigurationBindingTests
{
    /// <summary>
    /// Binding alone: the external blocks name strategies (kafka, database) that a host must also set up to pass
    /// validation. The spec's Kafka keys are bound by a stand-in added as the Kafka package adds its strategy.
    /// </summary>
    private static WebSocketProviderOptions Bind(string json)
    {
        var section = TestServices.Configuration($$"""{ "Notifications": { "WebSocket": {{json}} } }""").GetSection("Notifications:WebSocket");
        var options = new WebSocketProviderOptions();
        ProviderConfigurationBinder.Bind(section, tenantId: null, options, [SpecKafkaStandIn.Registration()]);
        Assert.Empty(options.BindingErrors);
        return options;
    }

    [Fact]
    public void ExternalSocketIoBlock_IsValid_OnceItsStrategiesAreSetUp()
    {
        using var services = TestServices.FromSection(
            SpecConfigurations.ExternalSocketIo,
            b =>
            {
                SpecKafkaStandIn.AddTo(b);
                b.ConfigureTenant("1", o => o.MessageHandling.DatabasePath = Path.Combine(Path.GetTempPath(), "spec-" + Guid.NewGuid().ToString("N") + ".db"));
            });
        var monitor = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>();

        var tenant = monitor.Get("websocket:tenants:1");

        // Without a databasePath, a tenant's SQLite database is notifications.db in the application's data folder.
        var defaulted = monitor.Get("websocket:tenants:2");

        Assert.Equal("all", tenant.MessageHandling.Strategy);
        Assert.Null(defaulted.MessageHandling.DatabasePath);
        Assert.EndsWith("notifications.db", Handling.Database.NotificationsDatabases.DefaultSqlitePath, StringComparison.Ordinal);
    }

    [Fact]
    public void InternalBlock_BindsEveryField()
    {
        var o = Bind(SpecConfigurations.Internal);

        Assert.Equal("websocket", o.ProviderType);
        Assert.Equal("websocket", o.Channel);
        Assert.Equal(WebSocketMode.Internal, o.Mode);
        Assert.True(o.SupportChannelBroadcast);
        Assert.Equal(["system", "alerts"], o.DefaultChannels);
        Assert.True(o.Enabled);
    }

    [Fact]
    public void ExternalSocketIoBlock_BindsEveryField()
    {
        var o = Bind(SpecConfigurations.ExternalSocketIo);

        Assert.Equal(WebSocketMode.External, o.Mode);
        Assert.Equal(WebSocketProtocol.SocketIo, o.Protocol);
        Assert.Equal("https://notifications.example.com", o.Url);
        Assert.Equal("bearer", o.AuthType);
        Assert.Equal("your-api-token", o.AuthToken);
        Assert.True(o.SupportChannelBroadcast);
        Assert.Equal(["notifications", "alerts", "system"], o.DefaultChannels);
        Assert.True(o.Reconnection);
        Assert.Equal(5, o.ReconnectionAttempts);
        Assert.Equal(1000, o.ReconnectionDelay);
        Assert.Equal(20000, o.Timeout);
        Assert.True(o.EnableCompression);
        Assert.True(o.EnableAcknowledgments);
        Assert.Equal("notify", o.CustomEvents.Notification);
        Assert.Equal("channel:broadcast", o.CustomEvents.ChannelBroadcast);
        Assert.Equal("message:received", o.CustomEvents.IncomingMessage);
        Assert.True(o.EnableReceiving);
        Assert.Equal(["message:received", "status:update", "data:sync"], o.SubscribeToEvents);
        Assert.Equal("all", o.MessageHandling.Strategy);
        Assert.Equal("https://your-app.com/webhooks/websocket", o.MessageHandling.CallbackUrl);
        Assert.True(o.MessageHandling.StoreInDatabase);
        Assert.True(SpecKafkaStandIn.Of(o).Publish);
        Assert.Equal("websocket.incoming.messages", SpecKafkaStandIn.Of(o).Topic);
        Assert.True(o.EnableRequestResponse);
        Assert.Equal(10000, o.RequestTimeout);
        Assert.Equal(["websocket", "polling"], o.Transports);
        Assert.Equal("/socket.io", o.Path);
        Assert.True(o.Enabled);
    }

    [Fact]
    public void ExternalNativeWsBlock_BindsEveryField()
    {
        var o = Bind(SpecConfigurations.ExternalNativeWs);

        Assert.Equal(WebSocketMode.External, o.Mode);
        Assert.Equal(WebSocketProtocol.Ws, o.Protocol);
        Assert.Equal("wss://api.example.com/ws", o.Url);
        Assert.Equal("query", o.AuthType);
        Assert.Equal(2, o.AuthQuery.Count);
        Assert.Equal("your-api-token", o.AuthQuery["token"]);
        Assert.Equal("notification-system", o.AuthQuery["client"]);
        Assert.True(o.Reconnection);
        Assert.Equal(3, o.ReconnectionAttempts);
        Assert.Equal(2000, o.ReconnectionDelay);
        Assert.True(o.EnableCompression);
        Assert.True(o.EnableAcknowledgments);
        Assert.True(o.EnableReceiving);
        Assert.Equal(["notification", "status", "error"], o.SubscribeToEvents);
        Assert.Equal("kafka", o.MessageHandling.Strategy);
        Assert.True(SpecKafkaStandIn.Of(o).Publish);
        Assert.Equal("external.websocket.messages", SpecKafkaStandIn.Of(o).Topic);
        Assert.True(o.Enabled);
    }

    [Fact]
    public void EmptySection_HasTheDocumentedDefaults()
    {
        var o = Bind("{}");

        Assert.Equal(WebSocketMode.Internal, o.Mode);
        Assert.True(o.Enabled);
        Assert.Equal("none", o.AuthType);
        Assert.True(o.Reconnection);
        Assert.Equal(5, o.ReconnectionAttempts);
        Assert.Equal(1000, o.ReconnectionDelay);
        Assert.Equal(20000, o.Timeout);
        Assert.Equal(5000, o.RequestTimeout);
        Assert.Equal(["websocket", "polling"], o.Transports);
        Assert.Equal("/socket.io", o.Path);
        Assert.False(o.SupportChannelBroadcast);
        Assert.Empty(o.DefaultChannels);
        Assert.Equal("none", o.MessageHandling.Strategy);
        Assert.Equal("websocket.incoming.messages", SpecKafkaStandIn.Of(o).Topic);
        Assert.Equal(30000, o.HeartbeatInterval);
    }

    [Fact]
    public void ConfiguredTransports_ReplaceTheDefaultInsteadOfAppending()
    {
        var o = Bind("""{ "transports": ["polling"] }""");

        Assert.Equal(["polling"], o.Transports);
    }

    [Fact]
    public void ZeroReconnectionAttempts_IsKept()
    {
        var o = Bind("""{ "reconnectionAttempts": 0, "reconnectionDelay": 0 }""");

        Assert.Equal(0, o.ReconnectionAttempts);
        Assert.Equal(0, o.ReconnectionDelay);
    }

    [Fact]
    public void NamesBindCaseInsensitively()
    {
        var o = Bind("""{ "Mode": "EXTERNAL", "PROTOCOL": "SocketIO", "URL": "ws://127.0.0.1:1", "SupportChannelBroadcast": true }""");

        Assert.Equal(WebSocketMode.External, o.Mode);
        Assert.Equal(WebSocketProtocol.SocketIo, o.Protocol);
        Assert.True(o.SupportChannelBroadcast);
    }
}
