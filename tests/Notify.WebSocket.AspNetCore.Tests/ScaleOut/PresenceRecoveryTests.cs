using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Presence;
using Notify.WebSocket.AspNetCore.ScaleOut;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.ScaleOut;

/// <summary>
/// Connection counts kept in Redis come back after Redis loses them (restarted empty) or misses an instance's writes
/// (that instance was cut off): each instance writes its own counts again, within a third of the presence timeout.
/// </summary>
public sealed class PresenceRecoveryTests(RedisServerFixture redis)
{
    private static readonly TimeSpan PresenceTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task RedisKilledAndRestartedEmpty_TheCountsOfEveryInstanceComeBack()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var server = await RedisServer.StartAsync(binary, port);
        try
        {
            var configuration = $"127.0.0.1:{port},connectTimeout=500";
            var prefix = "t" + Guid.NewGuid().ToString("N");
            await using var a = await GatewayServer.StartAsync(notifications: b => b.AddSignalRRedisScaleOut(Options(configuration, prefix)));
            await using var b = await GatewayServer.StartAsync(notifications: b => b.AddSignalRRedisScaleOut(Options(configuration, prefix)));
            await using var onA = await a.ConnectAsync("alice", "1");
            await using var onB = await b.ConnectAsync("alice", "1");
            await onA.JoinedAsync("alerts");
            await onB.JoinedAsync("alerts");
            var provider = await a.ProviderAsync("1");
            var before = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "before" });

            await server.KillAsync();
            await server.DisposeAsync();
            server = await RedisServer.StartAsync(binary, port);
            var user = await Eventually.UntilAsync<SendResult>(
                () => provider.SendToUserAsync("alice", new NotificationContent { Subject = "after" }).AsTask(),
                r => Delivered(r) == 2);
            var channel = await Eventually.UntilAsync<SendResult>(
                () => provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "after, to the channel" }).AsTask(),
                r => Delivered(r) == 2);
            await onB.NotificationAsync("after, to the channel");

            Assert.Equal(2, Delivered(before));
            Assert.Equal(2, Delivered(user));
            Assert.Equal(2, Delivered(channel));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ADisconnectWhileItsInstanceWasCutOffFromRedis_StopsCounting_OnceItIsBack()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        await using var server = await RedisServer.StartAsync(binary, port);
        await using var forwarder = TcpForwarder.Start(port);
        var prefix = "t" + Guid.NewGuid().ToString("N");
        await using var a = await GatewayServer.StartAsync(
            provider: o => o.FailWhenRecipientOffline = true,
            notifications: b => b.AddSignalRRedisScaleOut(Options(server.Configuration, prefix)));
        await using var b = await GatewayServer.StartAsync(notifications: b => b.AddSignalRRedisScaleOut(Options($"127.0.0.1:{forwarder.Port},connectTimeout=500", prefix)));
        var provider = await a.ProviderAsync("1");
        var bob = await b.ConnectAsync("bob", "1");
        await bob.ReadyAsync();
        var during = await provider.SendToUserAsync("bob", new NotificationContent { Subject = "during" });

        // B cannot tell Redis that bob left: without a resync, his count stays 1 for as long as B lives.
        var redisOfB = b.Services.GetRequiredService<GatewayRedis>().Connection;
        forwarder.Cut();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !redisOfB.IsConnected, "B lost Redis");
        await bob.DisposeAsync();

        // With Redis away, B counts its own connections.
        var presenceOfB = b.Services.GetRequiredService<IPresenceTracker>();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(
            async () => await presenceOfB.CountAsync(GroupNames.User("1", "bob"), CancellationToken.None) == 0,
            "B released bob's connection");
        forwarder.Restore();
        var after = await Eventually.UntilAsync<SendResult>(
            () => provider.SendToUserAsync("bob", new NotificationContent { Subject = "after" }).AsTask(),
            r => !r.Success);

        Assert.Equal(1, Delivered(during));
        Assert.Equal(WebSocketErrorCodes.RecipientOffline, after.Error?.Code);
    }

    private static Action<RedisScaleOutOptions> Options(string configuration, string prefix) => o =>
    {
        o.Configuration = configuration;
        o.ChannelPrefix = prefix;
        o.PresenceTimeout = PresenceTimeout;
    };

    private static int Delivered(SendResult result) => result.Metadata.TryGetValue("deliveredConnections", out var n) ? Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) : -1;
}
