using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.RateLimiting;

/// <summary>Limits belong to the user and the tenant: reconnecting does not renew them, and with Redis they span instances.</summary>
public sealed class GatewayLimitsTests(RedisServerFixture redis)
{
    [Fact]
    public async Task ChannelRequestBudget_SurvivesAReconnect()
    {
        await using var server = await GatewayServer.StartAsync(gateway: Limit3ChannelRequests);
        await using (var first = await server.ConnectAsync("alice", "1"))
        {
            await first.JoinedAsync("public.a");
            await first.JoinedAsync("public.b");
        }

        await using var second = await server.ConnectAsync("alice", "1");
        await second.JoinedAsync("public.c");
        await second.JoinAsync("public.d");
        var error = await second.NextAsync("error");

        Assert.Equal("RATE_LIMITED", error.GetProperty("code").GetString());
        Assert.Equal("public.d", error.GetProperty("channelName").GetString());
    }

    [Fact]
    public async Task ChannelRequestBudget_IsPerUser_NotShared()
    {
        await using var server = await GatewayServer.StartAsync(gateway: Limit3ChannelRequests);
        await using var alice = await server.ConnectAsync("alice", "1");
        await using var bob = await server.ConnectAsync("bob", "1");
        for (var i = 0; i < 3; i++)
        {
            await alice.JoinedAsync("public.a" + i);
        }

        await bob.JoinedAsync("public.b");
    }

    [Fact]
    public async Task ConnectionBudget_RefusesTheConnectionBeyondIt_WithAnError()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o =>
        {
            o.ConnectionPermitLimit = 2;
            o.ConnectionWindow = TimeSpan.FromMinutes(5);
        });
        await using (await server.ConnectAsync("alice", "1"))
        {
        }

        await using var second = await server.ConnectAsync("alice", "1");
        await using var third = await GatewayClient.ConnectAsync(server.HubUrl, TestTokens.For("alice", "1"));
        var error = await third.NextAsync("error");
        await third.ClosedTask.Task.WaitAsync(GatewayClient.Timeout);

        Assert.Equal("RATE_LIMITED", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnonymousConnections_HaveNoConnectionBudget_AndTheirOwnChannelBudget()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o =>
        {
            o.AllowAnonymous = true;
            o.AnonymousTenantId = "public";
            o.ConnectionPermitLimit = 1;
            o.ChannelRequestPermitLimit = 1;
            o.ChannelRequestWindow = TimeSpan.FromMinutes(5);
        });
        await using var first = await GatewayClient.ConnectAsync(server.HubUrl, token: null);
        await using var second = await GatewayClient.ConnectAsync(server.HubUrl, token: null);

        await first.JoinedAsync("public.a");
        await second.JoinedAsync("public.a");
        await first.JoinAsync("public.b");
        var error = await first.NextAsync("error");

        Assert.Equal("RATE_LIMITED", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChannelRequestBudget_WithRedis_IsSharedByEveryInstance()
    {
        var configuration = redis.RequireConfiguration();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        await using var a = await GatewayServer.StartAsync(gateway: Limit3ChannelRequests, notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var b = await GatewayServer.StartAsync(gateway: Limit3ChannelRequests, notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var onA = await a.ConnectAsync("alice", "1");
        await using var onB = await b.ConnectAsync("alice", "1");

        await onA.JoinedAsync("public.a");
        await onA.JoinedAsync("public.b");
        await onB.JoinedAsync("public.c");
        await onB.JoinAsync("public.d");
        var error = await onB.NextAsync("error");

        Assert.Equal("RATE_LIMITED", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task TenantSendBudget_WithRedis_IsSharedByEveryInstance()
    {
        var configuration = redis.RequireConfiguration();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        void TwoSendsPerTenant(SignalRGatewayOptions o)
        {
            o.TenantSendPermitLimit = 2;
            o.TenantSendWindow = TimeSpan.FromMinutes(5);
        }

        await using var a = await GatewayServer.StartAsync(gateway: TwoSendsPerTenant, notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var b = await GatewayServer.StartAsync(gateway: TwoSendsPerTenant, notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        var onA = await a.ProviderAsync("1");
        var onB = await b.ProviderAsync("1");

        var first = await onA.SendToUserAsync("alice", new NotificationContent { Subject = "1" });
        var second = await onB.SendToUserAsync("alice", new NotificationContent { Subject = "2" });
        var third = await onA.SendToUserAsync("alice", new NotificationContent { Subject = "3" });
        var otherTenant = await (await b.ProviderAsync("2")).SendToUserAsync("alice", new NotificationContent { Subject = "t2" });

        Assert.True(first.Success, first.Error?.Message);
        Assert.True(second.Success, second.Error?.Message);
        Assert.Equal(WebSocketErrorCodes.RateLimited, third.Error?.Code);
        Assert.True(third.Error!.Retryable);
        Assert.True(otherTenant.Success, otherTenant.Error?.Message);
    }

    private static void Limit3ChannelRequests(SignalRGatewayOptions o)
    {
        o.ChannelRequestPermitLimit = 3;
        o.ChannelRequestWindow = TimeSpan.FromMinutes(5);
    }
}
