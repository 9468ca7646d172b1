using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Gateway;

public sealed class SignalRNotificationGatewayTests
{
    [Fact]
    public async Task AddSignalRGateway_ReplacesTheInProcessGateway()
    {
        await using var server = await GatewayServer.StartAsync();

        var gateway = server.Services.GetRequiredService<INotificationGateway>();

        Assert.IsNotType<InProcessNotificationGateway>(gateway);
        Assert.Equal("GatewayNotificationSender", gateway.GetType().Name);
    }

    [Fact]
    public async Task SendToUser_ReachesEveryConnectionOfTheUser_AndReportsTheCount()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var phone = await server.ConnectAsync("alice", "1");
        await using var laptop = await server.ConnectAsync("alice", "1");
        await using var bob = await server.ConnectAsync("bob", "1");

        var result = await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "New Message", Body = "from John", Data = new { messageId = "msg-456" } });

        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal(2, result.Metadata["deliveredConnections"]);
        foreach (var device in new[] { phone, laptop })
        {
            var n = await device.NotificationAsync("New Message");
            Assert.Equal(result.MessageId, n.GetProperty("id").GetString());
            Assert.Equal("from John", n.GetProperty("body").GetString());
            Assert.Equal("msg-456", n.GetProperty("data").GetProperty("messageId").GetString());
            Assert.Equal("alice", n.GetProperty("recipient").GetProperty("userId").GetString());
            Assert.True(n.GetProperty("timestamp").TryGetDateTimeOffset(out _));
        }

        await (await server.ProviderAsync("1")).SendToUserAsync("bob", new NotificationContent { Subject = "marker" });
        await bob.NotificationAsync("marker");
        Assert.Equal(["marker"], bob.NotificationSubjects());
    }

    [Fact]
    public async Task Send_ForTenant1_NeverReachesTenant2_SameChannelAndSameUserId()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var t1 = await server.ConnectAsync("alice", "1");
        await using var t2 = await server.ConnectAsync("alice", "2");
        await t1.JoinedAsync("alerts");
        await t2.JoinedAsync("alerts");
        var provider1 = await server.ProviderAsync("1");

        var broadcast = await provider1.SendToChannelAsync("alerts", new NotificationContent { Subject = "t1 broadcast" });
        var direct = await provider1.SendToUserAsync("alice", new NotificationContent { Subject = "t1 direct" });
        await t1.NotificationAsync("t1 broadcast");
        await t1.NotificationAsync("t1 direct");
        await (await server.ProviderAsync("2")).SendToChannelAsync("alerts", new NotificationContent { Subject = "t2 marker" });
        await t2.NotificationAsync("t2 marker");

        Assert.Equal(1, broadcast.Metadata["deliveredConnections"]);
        Assert.Equal(1, direct.Metadata["deliveredConnections"]);
        Assert.Equal(["t2 marker"], t2.NotificationSubjects());
    }

    [Fact]
    public async Task Send_TenantIdsThatLookLikeGroupPrefixes_StayIsolated()
    {
        // Without escaping, tenant "1:channel:x" user group would read "t:1:channel:x:user:..." and collide with tenant 1's channels.
        await using var server = await GatewayServer.StartAsync(gateway: o => o.AllowedChannelPatterns = ["*"]);
        await using var victim = await server.ConnectAsync("u", "1");
        await victim.JoinedAsync("x:user:u");

        var result = await (await server.ProviderAsync("1:channel:x")).SendToUserAsync("u", new NotificationContent { Subject = "forged" });
        await (await server.ProviderAsync("1")).SendToUserAsync("u", new NotificationContent { Subject = "marker" });
        await victim.NotificationAsync("marker");

        Assert.Equal(0, result.Metadata["deliveredConnections"]);
        Assert.Equal(["marker"], victim.NotificationSubjects());
    }

    [Fact]
    public async Task SendToUser_Offline_FailsWithRecipientOffline_WhenAsked_AndSucceedsOnceConnected()
    {
        await using var server = await GatewayServer.StartAsync(provider: o => o.FailWhenRecipientOffline = true);
        var provider = await server.ProviderAsync("1");

        var offline = await provider.SendToUserAsync("carol", new NotificationContent { Subject = "nobody" });
        SendResult online;
        await using (var carol = await server.ConnectAsync("carol", "1"))
        {
            online = await provider.SendToUserAsync("carol", new NotificationContent { Subject = "hi" });
            await carol.NotificationAsync("hi");
        }

        // The server processes the disconnect after the client returns; wait for the presence to be released.
        var offlineAgain = await Eventually.UntilAsync<SendResult>(() => provider.SendToUserAsync("carol", new NotificationContent { Subject = "gone" }).AsTask(), r => !r.Success);

        Assert.Equal(WebSocketErrorCodes.RecipientOffline, offline.Error?.Code);
        Assert.True(online.Success, online.Error?.Message);
        Assert.Equal(WebSocketErrorCodes.RecipientOffline, offlineAgain.Error?.Code);
    }

    [Fact]
    public async Task SendToChannel_WhenBroadcastsAreDisabled_FailsWithoutDelivering()
    {
        await using var server = await GatewayServer.StartAsync(provider: o => o.SupportChannelBroadcast = false);
        await using var client = await server.ConnectAsync("alice", "1");
        await client.JoinedAsync("alerts");

        var result = await (await server.ProviderAsync("1")).SendToChannelAsync("alerts", new NotificationContent { Subject = "blocked" });

        Assert.Equal(WebSocketErrorCodes.ChannelBroadcastDisabled, result.Error?.Code);
    }

    [Fact]
    public async Task Send_BeyondTheTenantRate_FailsWithRateLimited_OtherTenantsUnaffected()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o =>
        {
            o.TenantSendPermitLimit = 2;
            o.TenantSendWindow = TimeSpan.FromMinutes(5);
        });
        var provider1 = await server.ProviderAsync("1");
        var provider2 = await server.ProviderAsync("2");
        var content = new NotificationContent { Subject = "s" };

        await provider1.SendToUserAsync("a", content);
        await provider1.SendToUserAsync("a", content);
        var refused = await provider1.SendToUserAsync("a", content);
        var other = await provider2.SendToUserAsync("a", content);

        Assert.False(refused.Success);
        Assert.Equal(WebSocketErrorCodes.RateLimited, refused.Error?.Code);
        Assert.True(refused.Error?.Retryable);
        Assert.True(other.Success, other.Error?.Message);
    }

    [Fact]
    public async Task HostHub_DerivedFromNotificationHub_CanBePluggedIn()
    {
        await using var server = await GatewayServer.StartAsync(
            notifications: b => b.AddSignalRGateway<HostHub>(),
            map: app => app.MapNotificationGateway<HostHub>("/notifications"));
        await using var client = await server.ConnectAsync("alice", "1");

        var echo = await client.Connection.InvokeAsync<string>("Echo", "ping");
        await client.JoinedAsync("alerts");
        var result = await (await server.ProviderAsync("1")).SendToChannelAsync("alerts", new NotificationContent { Subject = "via host hub" });

        Assert.Equal("alice:ping", echo);
        Assert.Equal(1, result.Metadata["deliveredConnections"]);
        await client.NotificationAsync("via host hub");
    }

    [Fact]
    public async Task MapNotificationGateway_WithAnotherHubThanRegistered_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GatewayServer.StartAsync(map: app => app.MapNotificationGateway<HostHub>()));

        Assert.Contains("HostHub", ex.Message, StringComparison.Ordinal);
    }

    public sealed class HostHub(IServiceProvider services) : NotificationHub(services)
    {
        public string Echo(string value) => Context.User?.FindFirst("sub")?.Value + ":" + value;
    }
}
