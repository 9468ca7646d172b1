using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(RedisServerFixture))]

namespace Notify.WebSocket.AspNetCore.Tests.ScaleOut;

/// <summary>Two Kestrel hosts sharing one real redis-server: a send on instance A reaches clients on instance B.</summary>
public sealed class RedisScaleOutTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Send_OnInstanceA_ReachesClientOnInstanceB_WithPresenceCountedAcrossInstances()
    {
        var configuration = redis.RequireConfiguration();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        await using var a = await GatewayServer.StartAsync(notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var b = await GatewayServer.StartAsync(notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var onB = await b.ConnectAsync("alice", "1");
        await using var otherTenantOnB = await b.ConnectAsync("alice", "2");
        await onB.JoinedAsync("alerts");
        await otherTenantOnB.JoinedAsync("alerts");
        var providerOnA = await a.ProviderAsync("1");

        var direct = await providerOnA.SendToUserAsync("alice", new NotificationContent { Subject = "A to B direct" });
        var broadcast = await providerOnA.SendToChannelAsync("alerts", new NotificationContent { Subject = "A to B broadcast" });
        await onB.NotificationAsync("A to B direct");
        await onB.NotificationAsync("A to B broadcast");
        await (await a.ProviderAsync("2")).SendToUserAsync("alice", new NotificationContent { Subject = "t2 marker" });
        await otherTenantOnB.NotificationAsync("t2 marker");

        Assert.Equal(1, direct.Metadata["deliveredConnections"]);
        Assert.Equal(1, broadcast.Metadata["deliveredConnections"]);
        Assert.Equal(["t2 marker"], otherTenantOnB.NotificationSubjects());
    }

    [Fact]
    public async Task Presence_AcrossInstances_DropsWhenTheRemoteClientLeaves()
    {
        var configuration = redis.RequireConfiguration();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        await using var a = await GatewayServer.StartAsync(
            provider: o => o.FailWhenRecipientOffline = true,
            notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var b = await GatewayServer.StartAsync(notifications: b => b.AddSignalRRedisScaleOut(configuration, prefix));
        var providerOnA = await a.ProviderAsync("1");

        var before = await providerOnA.SendToUserAsync("bob", new NotificationContent { Subject = "before" });
        SendResult during;
        await using (var bob = await b.ConnectAsync("bob", "1"))
        {
            during = await providerOnA.SendToUserAsync("bob", new NotificationContent { Subject = "during" });
            await bob.NotificationAsync("during");
        }

        // The disconnect is processed by instance B asynchronously; wait for the presence to be released there.
        var after = await Eventually.UntilAsync<SendResult>(() => providerOnA.SendToUserAsync("bob", new NotificationContent { Subject = "after" }).AsTask(), r => !r.Success);

        Assert.Equal(WebSocketErrorCodes.RecipientOffline, before.Error?.Code);
        Assert.True(during.Success, during.Error?.Message);
        Assert.Equal(WebSocketErrorCodes.RecipientOffline, after.Error?.Code);
    }
}
