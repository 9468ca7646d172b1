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
        await a.BackplaneSubscribedAsync();
        await b.BackplaneSubscribedAsync();
        await using var onA = await a.ConnectAsync("alice", "1");
        await using var onB = await b.ConnectAsync("alice", "1");
        await b.SendToUserAsync("alice", "warm-up");
        await onA.NotificationAsync("warm-up");

        var sends = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? a : b).SendToUserAsync("alice", "n" + i)));
        var onBPositions = await onB.PositionsAsync(51);
        var onAPositions = await onA.PositionsAsync(50);
        await onB.Connection.InvokeAsync("inbox:read", new { ids = new[] { sends[0].MessageId } });
        var change = await onA.NextAsync("inbox:updated", e => e.GetProperty("kind").GetString() == "read");

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
        // A alone is partitioned: B's connection never drops, so no reconnect of B's has its followers read the store.
        await using var pair = await PartitionablePair.StartAsync(redis, partitioned: Instance.A);
        await using var onB = await pair.B.ConnectAsync("alice", "1");
        await pair.A.SendToUserAsync("alice", "one");
        var before = await onB.PositionsAsync(1);

        await pair.CutAsync();
        await pair.A.SendToUserAsync("alice", "two"); // stored; its publish fails
        pair.Restore();
        var after = await onB.PositionsAsync(1);

        Assert.Equal([1L], before);
        Assert.Equal([2L], after);
    }

    [Fact]
    public async Task AReadStateChangeAnInstanceCouldNotPublish_RefreshesTheUsersConnectionsElsewhere_OnceItPublishesAgain()
    {
        // A alone is partitioned: B's connection never drops, so nothing of B's own tells it to refresh.
        await using var pair = await PartitionablePair.StartAsync(redis, partitioned: Instance.A);
        await using var onB = await pair.B.ConnectAsync("alice", "1");
        var one = await pair.A.SendToUserAsync("alice", "one");
        await onB.NotificationAsync("one");
        await pair.A.SendToUserAsync("alice", "two");
        await onB.NotificationAsync("two");

        await pair.CutAsync();
        await pair.A.Inbox().MarkReadAsync("1", "alice", [one.MessageId], TestContext.Current.CancellationToken); // stored; its publish fails
        pair.Restore();
        var change = await onB.NextAsync("inbox:updated");

        Assert.Equal("refresh", change.GetProperty("kind").GetString());
        Assert.Equal(1, change.GetProperty("unreadCount").GetInt64());
        Assert.Empty(change.GetProperty("ids").EnumerateArray());
    }

    [Fact]
    public async Task ReadStateChangedWhileAnInstanceWasCutFromRedis_RefreshesItsUsersConnections_WhenItIsBack()
    {
        // B alone is partitioned: A publishes its change, and Redis has no subscriber of B's to give it to.
        await using var pair = await PartitionablePair.StartAsync(redis, partitioned: Instance.B);
        await using var onB = await pair.B.ConnectAsync("alice", "1");
        await pair.A.SendToUserAsync("alice", "one");
        await onB.NotificationAsync("one");

        await pair.CutAsync();
        await pair.A.Inbox().MarkAllReadAsync("1", "alice", TestContext.Current.CancellationToken);
        pair.Restore();
        var change = await onB.NextAsync("inbox:updated");

        Assert.Equal("refresh", change.GetProperty("kind").GetString());
        Assert.Equal(0, change.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task TwoDevicesReadingOnTwoInstancesAtOnce_TheChangeThatArrivesLast_CarriesACountReadAfterBoth()
    {
        // What A sends Redis is held while B's change goes through: A's change, counted before B's read, arrives after it.
        await using var pair = await PartitionablePair.StartAsync(redis, partitioned: Instance.A);
        await using var onA = await pair.A.ConnectAsync("alice", "1");
        await using var onB = await pair.B.ConnectAsync("alice", "1");
        var one = await pair.A.SendToUserAsync("alice", "one");
        var two = await pair.A.SendToUserAsync("alice", "two");
        await pair.A.SendToUserAsync("alice", "three");
        await onB.NotificationAsync("three");

        pair.Hold();
        await onA.Connection.InvokeAsync("inbox:read", new { ids = new[] { one.MessageId } }, TestContext.Current.CancellationToken);
        var readOnA = await onA.NextAsync("inbox:updated", e => Ids(e).Contains(one.MessageId));
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => pair.HeldBytes > 0, "A's publish of its change is held");
        await onB.Connection.InvokeAsync("inbox:read", new { ids = new[] { two.MessageId } }, TestContext.Current.CancellationToken);
        var readOnB = await onB.NextAsync("inbox:updated", e => Ids(e).Contains(two.MessageId));
        pair.Release();
        var lateOnB = await onB.NextAsync("inbox:updated", e => Ids(e).Contains(one.MessageId));
        var laterOnA = await onA.NextAsync("inbox:updated", e => Ids(e).Contains(two.MessageId));

        Assert.Equal(2, readOnA.GetProperty("unreadCount").GetInt64());
        Assert.Equal(1, readOnB.GetProperty("unreadCount").GetInt64());
        Assert.Equal(1, lateOnB.GetProperty("unreadCount").GetInt64()); // A read 2 before B's change; B's device would end on it
        Assert.Equal(1, laterOnA.GetProperty("unreadCount").GetInt64());
    }

    private static string?[] Ids(System.Text.Json.JsonElement change) =>
        [.. change.GetProperty("ids").EnumerateArray().Select(id => id.GetString())];

    private enum Instance
    {
        A,
        B,
    }

    /// <summary>
    /// Two instances on one store and one Redis server of their own; one of them reaches Redis through a forwarder, so
    /// cutting it partitions that instance alone.
    /// </summary>
    private sealed class PartitionablePair : IAsyncDisposable
    {
        private readonly TempDirectory _directory;
        private readonly RedisServer _server;
        private readonly TcpForwarder _forwarder;
        private readonly Instance _partitioned;
        private GatewayServer? _a;
        private GatewayServer? _b;

        private PartitionablePair(TempDirectory directory, RedisServer server, TcpForwarder forwarder, Instance partitioned)
        {
            (_directory, _server, _forwarder, _partitioned) = (directory, server, forwarder, partitioned);
        }

        public GatewayServer A => _a!;

        public GatewayServer B => _b!;

        public static async Task<PartitionablePair> StartAsync(RedisServerFixture redis, Instance partitioned)
        {
            var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
            var port = Notify.WebSocket.Testing.Loopback.FreePort();
            var directory = new TempDirectory();
            var server = await RedisServer.StartAsync(binary, port);
            var pair = new PartitionablePair(directory, server, TcpForwarder.Start(port), partitioned);
            var prefix = "t" + Guid.NewGuid().ToString("N");
            var database = directory.File("inbox.db");
            var throughForwarder = $"127.0.0.1:{pair._forwarder.Port},connectTimeout=500";
            try
            {
                pair._a = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(partitioned == Instance.A ? throughForwarder : server.Configuration, prefix));
                pair._b = await InboxGateway.StartAsync(database, x => x.AddSignalRRedisScaleOut(partitioned == Instance.B ? throughForwarder : server.Configuration, prefix));
                await pair.A.BackplaneSubscribedAsync();
                await pair.B.BackplaneSubscribedAsync();
                return pair;
            }
            catch
            {
                await pair.DisposeAsync();
                throw;
            }
        }

        /// <summary>Cuts the partitioned instance off Redis and waits until it knows.</summary>
        public async Task CutAsync()
        {
            var redisOfCut = (_partitioned == Instance.A ? A : B).Services.GetRequiredService<GatewayRedis>().Connection;
            _forwarder.Cut();
            await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !redisOfCut.IsConnected, $"{_partitioned} lost Redis");
        }

        public void Restore() => _forwarder.Restore();

        /// <summary>Holds what the partitioned instance sends Redis (its connection stays up) until <see cref="Release"/>.</summary>
        public void Hold() => _forwarder.Hold();

        public void Release() => _forwarder.Release();

        public long HeldBytes => _forwarder.HeldBytes;

        public async ValueTask DisposeAsync()
        {
            if (_a is not null)
            {
                await _a.DisposeAsync();
            }

            if (_b is not null)
            {
                await _b.DisposeAsync();
            }
            await _forwarder.DisposeAsync();
            await _server.DisposeAsync();
            _directory.Dispose();
        }
    }
}
