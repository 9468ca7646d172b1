using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.ScaleOut;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>Two instances with Redis scale-out sharing one store: stored notifications and read state reach clients of either.</summary>
public sealed class InboxScaleOutTests(RedisServerFixture redis)
{
    [Fact]
    public async Task SendOnA_ReachesAClientOnB_InOrderWithPositions_ReadOnB_UpdatesTheUsersDeviceOnA()
    {
        var configuration = redis.RequireConfiguration();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        using var directory = new TempDirectory();
        var database = directory.File("inbox.db");
        await using var a = await InboxGateway.StartAsync(database, b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var b = await InboxGateway.StartAsync(database, b => b.AddSignalRRedisScaleOut(configuration, prefix));
        await using var onA = await a.ConnectAsync("alice", "1");
        await using var onB = await b.ConnectAsync("alice", "1");
        await b.SendToUserAsync("alice", "warm-up");
        await onA.NotificationAsync("warm-up");

        var sends = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? a : b).SendToUserAsync("alice", "n" + i)));
        var onBPositions = await onB.PositionsAsync(51);
        var onAPositions = await onA.PositionsAsync(50);
        await onB.Connection.InvokeAsync("inbox:read", new { ids = new[] { sends[0].MessageId } });
        var change = await onA.NextAsync("inbox:updated");

        Assert.Equal(Enumerable.Range(1, 51).Select(p => (long)p), onBPositions);
        Assert.Equal(Enumerable.Range(2, 50).Select(p => (long)p), onAPositions);
        Assert.Equal(50, change.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task AnInstanceStartedWhileRedisWasDown_DeliversTheOtherInstancesSends_OnceRedisIsUp()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var configuration = $"127.0.0.1:{port},connectTimeout=500";
        var prefix = "t" + Guid.NewGuid().ToString("N");
        using var directory = new TempDirectory();
        var database = directory.File("inbox.db");

        // Nothing listens on the port yet: B's subscription to the other instances' notifications fails at start.
        await using var b = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(configuration, prefix));
        await using var server = await RedisServer.StartAsync(binary, port);
        await using var a = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(configuration, prefix));

        // B's connection to Redis is back before alice connects there: the catch-up on its restore has no follower of hers
        // to run, so only a live subscription, or a catch-up once there is one, can bring her A's sends.
        var channel = RedisChannel.Literal(prefix + ":inbox");
        var redisOfB = b.Services.GetRequiredService<GatewayRedis>().Connection;
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => redisOfB.IsConnected && redisOfB.GetSubscriber().IsConnected(channel), "B's Redis connection is back");
        await using var onB = await b.ConnectAsync("alice", "1");
        await using var onA = await a.ConnectAsync("alice", "1");
        await a.SendToUserAsync("alice", "one");
        await onA.NotificationAsync("one");
        await a.SendToUserAsync("alice", "two");
        var onBPositions = await onB.PositionsAsync(2);

        Assert.Equal([1L, 2L], onBPositions);
    }

    [Fact]
    public async Task ABatchAnInstanceCouldNotPublish_ReachesTheOtherInstancesClients_OnceItPublishesAgain()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        using var directory = new TempDirectory();
        var database = directory.File("inbox.db");
        await using var server = await RedisServer.StartAsync(binary, port);
        await using var forwarder = TcpForwarder.Start(port);

        // A reaches Redis through the forwarder, B directly: cutting the forwarder partitions A alone. B's connection never
        // drops, so no reconnect of B's has its followers read the store.
        await using var a = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut($"127.0.0.1:{forwarder.Port},connectTimeout=500", prefix));
        await using var b = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(server.Configuration, prefix));
        await using var onB = await b.ConnectAsync("alice", "1");
        await a.SendToUserAsync("alice", "one");
        var before = await onB.PositionsAsync(1);

        var redisOfA = a.Services.GetRequiredService<GatewayRedis>().Connection;
        forwarder.Cut();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !redisOfA.IsConnected, "A lost Redis");
        await a.SendToUserAsync("alice", "two"); // stored; its publish fails
        forwarder.Restore();
        var after = await onB.PositionsAsync(1);

        Assert.Equal([1L], before);
        Assert.Equal([2L], after);
    }

    [Fact]
    public async Task AReadStateChangeAnInstanceCouldNotPublish_RefreshesTheUsersConnectionsElsewhere_OnceItPublishesAgain()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        using var directory = new TempDirectory();
        var database = directory.File("inbox.db");
        await using var server = await RedisServer.StartAsync(binary, port);
        await using var forwarder = TcpForwarder.Start(port);

        // A alone is partitioned (as above): B's connection never drops, so nothing of B's own tells it to refresh.
        await using var a = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut($"127.0.0.1:{forwarder.Port},connectTimeout=500", prefix));
        await using var b = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(server.Configuration, prefix));
        await using var onB = await b.ConnectAsync("alice", "1");
        var one = await a.SendToUserAsync("alice", "one");
        await onB.NotificationAsync("one");
        await a.SendToUserAsync("alice", "two");
        await onB.NotificationAsync("two");

        var redisOfA = a.Services.GetRequiredService<GatewayRedis>().Connection;
        forwarder.Cut();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !redisOfA.IsConnected, "A lost Redis");
        await a.Inbox().MarkReadAsync("1", "alice", [one.MessageId], TestContext.Current.CancellationToken); // stored; its publish fails
        forwarder.Restore();
        var change = await onB.NextAsync("inbox:updated");

        Assert.Equal("refresh", change.GetProperty("kind").GetString());
        Assert.Equal(1, change.GetProperty("unreadCount").GetInt64());
        Assert.Empty(change.GetProperty("ids").EnumerateArray());
    }

    [Fact]
    public async Task ReadStateChangedWhileAnInstanceWasCutFromRedis_RefreshesItsUsersConnections_WhenItIsBack()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        using var directory = new TempDirectory();
        var database = directory.File("inbox.db");
        await using var server = await RedisServer.StartAsync(binary, port);
        await using var forwarder = TcpForwarder.Start(port);

        // B alone is partitioned: A publishes its change, and Redis has no subscriber of B's to give it to.
        await using var a = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(server.Configuration, prefix));
        await using var b = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut($"127.0.0.1:{forwarder.Port},connectTimeout=500", prefix));
        await using var onB = await b.ConnectAsync("alice", "1");
        await a.SendToUserAsync("alice", "one");
        await onB.NotificationAsync("one");

        var redisOfB = b.Services.GetRequiredService<GatewayRedis>().Connection;
        forwarder.Cut();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !redisOfB.IsConnected, "B lost Redis");
        await a.Inbox().MarkAllReadAsync("1", "alice", TestContext.Current.CancellationToken);
        forwarder.Restore();
        var change = await onB.NextAsync("inbox:updated");

        Assert.Equal("refresh", change.GetProperty("kind").GetString());
        Assert.Equal(0, change.GetProperty("unreadCount").GetInt64());
    }
}
