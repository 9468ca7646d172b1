using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

public sealed class NotificationHubChannelTests
{
    [Fact]
    public async Task Connect_JoinsTheTenantsDefaultChannels_AndReceivesTheirBroadcasts()
    {
        await using var server = await GatewayServer.StartAsync(
            provider: o => o.DefaultChannels = ["system", "news"],
            notifications: b => b.ConfigureTenant("2", o => o.DefaultChannels = ["tenant2-only"]));
        await using var client = await server.ConnectAsync("alice", "1");
        await using var other = await server.ConnectAsync("bob", "2");

        await client.NextAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "system");
        await client.NextAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "news");
        await other.NextAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "tenant2-only");
        var result = await (await server.ProviderAsync("1")).SendToChannelAsync("news", new NotificationContent { Subject = "headline" });

        Assert.True(result.Success, result.Error?.Message);
        var received = await client.NotificationAsync("headline");
        Assert.Equal("news", received.GetProperty("recipient").GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Join_ForbiddenChannel_SendsAccessDeniedAndDoesNotJoin()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync("alice", "1");

        await client.JoinAsync("admin");
        var error = await client.NextAsync("error");
        var result = await (await server.ProviderAsync("1")).SendToChannelAsync("admin", new NotificationContent { Subject = "secret" });

        Assert.Equal("Access denied", error.GetProperty("message").GetString());
        Assert.Equal("CHANNEL_ACCESS_DENIED", error.GetProperty("code").GetString());
        Assert.Equal("admin", error.GetProperty("channelName").GetString());
        Assert.Equal(0, result.Metadata["deliveredConnections"]);
        Assert.DoesNotContain(client.Received(), e => e.Event == "channel:joined" && e.Body.GetProperty("channelName").GetString() == "admin");
    }

    [Fact]
    public async Task Join_ChannelMatchingAnAllowedPattern_Joins_AndLeaveStopsDelivery()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync("alice", "1");
        var provider = await server.ProviderAsync("1");

        await client.JoinedAsync("public.sports");
        var first = await provider.SendToChannelAsync("public.sports", new NotificationContent { Subject = "goal" });
        await client.NotificationAsync("goal");
        await client.LeaveAsync("public.sports");
        await client.NextAsync("channel:left", b => b.GetProperty("channelName").GetString() == "public.sports");
        var second = await provider.SendToChannelAsync("public.sports", new NotificationContent { Subject = "after leave" });

        Assert.Equal(1, first.Metadata["deliveredConnections"]);
        Assert.Equal(0, second.Metadata["deliveredConnections"]);

        // The marker goes out after the second broadcast on the same connection; had that broadcast arrived, it would be first.
        await provider.SendToUserAsync("alice", new NotificationContent { Subject = "marker" });
        await client.NotificationAsync("marker");
        Assert.DoesNotContain("after leave", client.NotificationSubjects());
    }

    [Fact]
    public async Task Join_InvalidChannelName_SendsError()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o => o.MaxChannelNameLength = 10);
        await using var client = await server.ConnectAsync("alice", "1");

        await client.JoinAsync("public.this-is-too-long");
        var error = await client.NextAsync("error");

        Assert.Equal("CHANNEL_INVALID", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Join_WithCustomAuthorizer_UsesItsDecision()
    {
        await using var server = await GatewayServer.StartAsync(services: s => s.AddScoped<IChannelAuthorizer, OwnChannelOnlyAuthorizer>());
        await using var client = await server.ConnectAsync("alice", "1");

        await client.JoinedAsync("user.alice");
        await client.JoinAsync("public.news");
        var error = await client.NextAsync("error");

        Assert.Equal("public.news", error.GetProperty("channelName").GetString());
    }

    [Fact]
    public async Task Join_BeyondTheRateLimit_IsRefusedWithRateLimitedError()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o =>
        {
            o.ChannelRequestPermitLimit = 2;
            o.ChannelRequestWindow = TimeSpan.FromMinutes(5);
        });
        await using var client = await server.ConnectAsync("alice", "1");

        await client.JoinedAsync("public.a");
        await client.JoinedAsync("public.b");
        await client.JoinAsync("public.c");
        var error = await client.NextAsync("error");

        Assert.Equal("RATE_LIMITED", error.GetProperty("code").GetString());
        Assert.Equal("public.c", error.GetProperty("channelName").GetString());
    }

    [Fact]
    public async Task Join_BeyondMaxChannelsPerConnection_IsRefused()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o => o.MaxChannelsPerConnection = 2);
        await using var client = await server.ConnectAsync("alice", "1");
        await client.NextAsync("channel:joined"); // "system", the default channel

        await client.JoinedAsync("public.a");
        await client.JoinAsync("public.b");
        var error = await client.NextAsync("error");

        Assert.Equal("CHANNEL_LIMIT_REACHED", error.GetProperty("code").GetString());
    }

    private sealed class OwnChannelOnlyAuthorizer : IChannelAuthorizer
    {
        public ValueTask<bool> CanJoinAsync(ChannelAuthorizationContext context, CancellationToken cancellationToken = default) =>
            new(context.ChannelName == "user." + context.UserId && context.User.FindFirst("tenant_id")?.Value == context.TenantId);
    }
}
