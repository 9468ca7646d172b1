using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>The gateway over Socket.IO with the official socket.io-client (Node): the spec's protocol and every gateway rule.</summary>
public sealed class SocketIoGatewayTests
{
    private static Task<GatewayServer> StartAsync(Action<SignalRGatewayOptions>? gateway = null, Action<WebSocketProviderOptions>? provider = null, Action<IWebSocketNotificationsBuilder>? notifications = null) =>
        GatewayServer.StartAsync(provider: provider, gateway: gateway, notifications: notifications, socketIo: _ => { });

    [Fact]
    public async Task SpecClientSnippet_Unchanged_JoinsAndLeavesChannels_AndReceivesNotifications()
    {
        await using var server = await StartAsync(gateway: o => o.AllowedChannelPatterns = ["alerts", "updates"]);
        await using var spec = await NodeLineProcess.StartAsync(
            "spec-client.mjs",
            [],
            new Dictionary<string, string> { ["SPEC_URL"] = server.SocketIoUrl.ToString(), ["SPEC_TOKEN"] = TestTokens.For("alice", "1") });
        await spec.NextAsync(l => Label(l) == "channel:joined" && Value(l).GetProperty("channelName").GetString() == "updates", "updates joined");
        await spec.NextAsync(l => Label(l) == "channel:left" && Value(l).GetProperty("channelName").GetString() == "alerts", "alerts left");
        var provider = await server.ProviderAsync("1");

        var toUpdates = await provider.SendToChannelAsync("updates", new NotificationContent { Subject = "Update", Body = "v2 is out", Data = new { version = 2 } });
        var toAlerts = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "After leave" });
        var toAlice = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "New Message", Body = "You have a new message from John" });
        Assert.True(toUpdates.Success, toUpdates.Error?.Message);

        var update = Value(await spec.NextAsync(l => Label(l) == "Received:" && Value(l).GetProperty("subject").GetString() == "Update", "the update"));
        await spec.NextAsync(l => Label(l) == "Received:" && Value(l).GetProperty("subject").GetString() == "New Message", "the user notification");
        Assert.True(toUpdates.Success && toAlerts.Success && toAlice.Success);
        Assert.Equal("v2 is out", update.GetProperty("body").GetString());
        Assert.Equal(2, update.GetProperty("data").GetProperty("version").GetInt32());
        Assert.Equal("updates", update.GetProperty("recipient").GetProperty("channel").GetString());
        Assert.True(update.GetProperty("timestamp").TryGetDateTimeOffset(out _));
        Assert.Equal(0, toAlerts.Metadata["deliveredConnections"]);
        Assert.DoesNotContain(spec.Lines(), l => Label(l) == "Received:" && Value(l).GetProperty("subject").GetString() == "After leave");
    }

    [Theory]
    [InlineData(TokenIn.Auth, "polling,websocket")]
    [InlineData(TokenIn.Header, "polling,websocket")]
    [InlineData(TokenIn.Query, "websocket")]
    [InlineData(TokenIn.Auth, "polling")]
    public async Task Connect_WithTheTokenInAnyPlace_IsTheTokensUser(TokenIn tokenIn, string transports)
    {
        await using var server = await StartAsync();
        await using var client = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, TestTokens.For("alice", "1"), tokenIn, transports);
        await client.ConnectedAsync();
        await client.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "system");

        var result = await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "hi" });

        await client.NotificationAsync("hi");
        Assert.Equal(1, result.Metadata["deliveredConnections"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-jwt")]
    public async Task Connect_WithoutAValidToken_IsRefusedWithConnectError(string? token)
    {
        await using var server = await StartAsync();
        await using var client = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, token);

        var error = await client.ConnectErrorAsync();

        Assert.StartsWith("Unauthorized", error.GetProperty("message").GetString());
        Assert.Equal("UNAUTHORIZED", error.GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Connect_WithAnUntrustedKeysToken_IsRefused()
    {
        await using var server = await StartAsync();
        await using var client = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, TestTokens.For("alice", "1", TestTokens.NewKey()));

        var error = await client.ConnectErrorAsync();

        Assert.Equal("UNAUTHORIZED", error.GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public async Task OneSend_ReachesTheUsersSignalRAndSocketIoConnections()
    {
        await using var server = await StartAsync();
        await using var signalR = await NodeSignalRClient.StartAsync(server.HubUrl, TestTokens.For("alice", "1"));
        await signalR.EventAsync("channel:joined");
        await using var socketIo = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("alice", "1"));

        var result = await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "both" });

        await socketIo.NotificationAsync("both");
        await signalR.EventAsync("notification:new", b => b.GetProperty("subject").GetString() == "both");
        Assert.Equal(2, result.Metadata["deliveredConnections"]);
    }

    [Fact]
    public async Task ChannelBroadcast_StaysInItsTenant()
    {
        await using var server = await StartAsync();
        await using var tenant1 = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("alice", "1"));
        await using var tenant2 = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("bob", "2"));
        await tenant1.JoinAsync("alerts");
        await tenant2.JoinAsync("alerts");
        await tenant1.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "alerts");
        await tenant2.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "alerts");

        await (await server.ProviderAsync("2")).SendToChannelAsync("alerts", new NotificationContent { Subject = "tenant 2 only" });
        await (await server.ProviderAsync("1")).SendToChannelAsync("alerts", new NotificationContent { Subject = "tenant 1 only" });

        await tenant2.NotificationAsync("tenant 2 only");
        await tenant1.NotificationAsync("tenant 1 only");
        Assert.DoesNotContain("tenant 2 only", tenant1.NotificationSubjects());
        Assert.DoesNotContain("tenant 1 only", tenant2.NotificationSubjects());
    }

    [Fact]
    public async Task Requests_AreAnsweredWithTheGatewaysErrors_AndWithAcknowledgmentsWhenAsked()
    {
        await using var server = await StartAsync();
        await using var client = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("alice", "1"));

        await client.JoinAsync("admin");
        var denied = await client.EventAsync("error");
        await client.EmitAsync("channel:join", "not an object");
        var invalid = await client.EventAsync("error");
        var acked = await client.EmitWithAckAsync("channel:join", new { channelName = "public.news" });
        var left = await client.EmitWithAckAsync("channel:leave", new { channelName = "public.news" });

        Assert.Equal("Access denied", denied.GetProperty("message").GetString());
        Assert.Equal("CHANNEL_ACCESS_DENIED", denied.GetProperty("code").GetString());
        Assert.Equal("INVALID_REQUEST", invalid.GetProperty("code").GetString());
        Assert.Equal("public.news", acked[0].GetProperty("channelName").GetString());
        Assert.Equal("public.news", left[0].GetProperty("channelName").GetString());
    }

    [Fact]
    public async Task TooManyConnections_AreRefusedWithConnectError()
    {
        await using var server = await StartAsync(gateway: o => o.ConnectionPermitLimit = 1);
        await using var first = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("alice", "1"));
        await using var second = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, TestTokens.For("alice", "1"));

        var error = await second.ConnectErrorAsync();

        Assert.Equal("RATE_LIMITED", error.GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ExpiredToken_GetsTheErrorEvent_ThenAServerDisconnect()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatewayServer.StartAsync(
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)),
            socketIo: o => o.PingInterval = TimeSpan.FromHours(1)); // the fake clock jumps: no heartbeat in between
        await using var client = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("alice", "1", expires: clock.GetUtcNow().UtcDateTime.AddMinutes(1)));

        clock.Advance(TimeSpan.FromSeconds(61));
        var error = await client.EventAsync("error");
        var disconnect = await client.DisconnectedAsync();

        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        Assert.Equal("token expired", error.GetProperty("message").GetString());
        Assert.Equal("io server disconnect", disconnect.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task PollingClient_UpgradesToWebSocket_AndKeepsReceiving()
    {
        await using var server = await StartAsync();
        await using var client = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, TestTokens.For("alice", "1"));
        var opened = await client.NextAsync("open");
        await client.ConnectedAsync();
        var provider = await server.ProviderAsync("1");
        await provider.SendToUserAsync("alice", new NotificationContent { Subject = "early" });
        await client.NotificationAsync("early");

        var upgrade = await client.NextAsync("upgrade");
        await provider.SendToUserAsync("alice", new NotificationContent { Subject = "after upgrade" });

        await client.NotificationAsync("after upgrade");
        Assert.Equal("polling", opened.GetProperty("transport").GetString());
        Assert.Equal("websocket", upgrade.GetProperty("transport").GetString());
    }

    private static string? Label(JsonElement line) => line.GetProperty("label").GetString();

    private static JsonElement Value(JsonElement line) => line.GetProperty("value");
}
