using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>Replay on connect through the in-process gateway, on a real SQLite store.</summary>
public sealed class InProcessReplayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_SucceedsOnceStored_TheNotificationCarriesItsStreamAndPosition_OfflineUsersToo()
    {
        await using var host = await InboxHost.StartAsync();
        await using var alice = host.Gateway.Connect("1", "alice");

        var online = await host.SendAsync("alice", "first");
        var offline = await host.SendAsync("bob", "while away");
        var received = await alice.Notifications.NextAsync();

        Assert.Equal(1, online.Metadata["deliveredConnections"]);
        Assert.Equal(0, offline.Metadata["deliveredConnections"]);
        Assert.Equal(online.MessageId, received.Id);
        Assert.Equal("t:1:user:alice", received.Stream);
        Assert.Equal(1, received.Position);
        Assert.Single((await host.Inbox.ListAsync("1", "bob", cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task OfflineUser_ReceivesOnEveryDeviceWhatWasSentWhileAway_InOrder_ThenLive()
    {
        await using var host = await InboxHost.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            await host.SendAsync("alice", "missed " + i);
        }

        await using var phone = host.Gateway.Connect("1", "alice", new Dictionary<string, long> { ["t:1:user:alice"] = 2 });
        await using var laptop = host.Gateway.Connect("1", "alice", new Dictionary<string, long> { ["t:1:user:alice"] = 0 });
        var phoneReplay = await phone.Replays.NextAsync();
        await laptop.Replays.NextAsync();
        await host.SendAsync("alice", "live");

        Assert.Equal([3L, 4, 5, 6], (await phone.Notifications.NextAsync(4)).Select(n => n.Position!.Value));
        Assert.Equal(["missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "live"], (await laptop.Notifications.NextAsync(6)).Select(n => n.Subject));
        Assert.Equal(new StreamReplay { Stream = "t:1:user:alice", Position = 5, Count = 3 }, phoneReplay);
    }

    [Fact]
    public async Task ReplayLiveSeam_NotificationsStoredDuringReplays_ArriveExactlyOnceAndInOrder()
    {
        // Small buffers: the followers also fall back to the store when a reader is behind.
        await using var host = await InboxHost.StartAsync(o => o.ReplayBatchSize = 16, connectionBuffer: 16);
        const int Total = 1500;
        var sent = 0;
        var sender = Task.Run(async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                while (Interlocked.Increment(ref sent) <= Total)
                {
                    await host.SendAsync("alice", "n");
                }
            }));
        }, Ct);

        // Connections open while the sends go on, each from a position already stored (half the head, so there is a replay).
        var readers = new List<Task<List<long>>>();
        var alice = NotificationStreamId.ForUser("1", "alice");
        for (var i = 0; i < 12; i++)
        {
            var from = (await host.Journal.GetBoundsAsync(alice, Ct)).Head / 2;
            var connection = host.Gateway.Connect("1", "alice", new Dictionary<string, long> { [alice.ToString()] = from });
            readers.Add(ReadUntilAsync(connection, Total, from));
            await Task.Delay(20, Ct);
        }

        await sender;
        var results = await Task.WhenAll(readers);

        for (var i = 0; i < results.Length; i++)
        {
            var first = results[i][0];
            Assert.Equal(Enumerable.Range((int)first, Total - (int)first + 1).Select(p => (long)p), results[i]);
        }
    }

    [Fact]
    public async Task FuturePosition_OrNegative_ReplaysFromTheOldestRetained_FlaggedReset()
    {
        await using var host = await InboxHost.StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            await host.SendAsync("alice", "n" + i);
        }

        await using var future = host.Gateway.Connect("1", "alice", new Dictionary<string, long> { ["t:1:user:alice"] = 99 });
        await using var negative = host.Gateway.Connect("1", "alice", new Dictionary<string, long> { ["t:1:user:alice"] = -7 });

        Assert.Equal(["n1", "n2", "n3"], (await future.Notifications.NextAsync(3)).Select(n => n.Subject));
        Assert.Equal(new StreamReplay { Stream = "t:1:user:alice", Position = 3, Count = 3, Reset = true }, await future.Replays.NextAsync());
        Assert.True((await negative.Replays.NextAsync()).Reset);
    }

    [Fact]
    public async Task PositionOlderThanRetention_ReplaysFromTheOldestRetained_FlaggedTruncated()
    {
        await using var host = await InboxHost.StartAsync(o => o.MaxPerStream = 3);
        for (var i = 1; i <= 6; i++)
        {
            await host.SendAsync("alice", "n" + i);
        }

        Assert.Equal(3, await host.TrimAsync());
        await using var connection = host.Gateway.Connect("1", "alice", new Dictionary<string, long> { ["t:1:user:alice"] = 1 });

        Assert.Equal([4L, 5, 6], (await connection.Notifications.NextAsync(3)).Select(n => n.Position!.Value));
        Assert.Equal(new StreamReplay { Stream = "t:1:user:alice", Position = 6, Count = 3, Truncated = true }, await connection.Replays.NextAsync());
    }

    [Theory]
    [InlineData("t:1:user:bob")]
    [InlineData("t:2:user:alice")]
    [InlineData("t:2:channel:alerts")]
    [InlineData("alerts")]
    public async Task PositionsOfAnotherUserOrTenant_OrNotAStream_AreRefused(string stream)
    {
        await using var host = await InboxHost.StartAsync();

        var refused = Assert.Throws<ArgumentException>(() => host.Gateway.Connect("1", "alice", new Dictionary<string, long> { [stream] = 0 }));

        Assert.Contains(stream, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.Gateway.ConnectionCount);
    }

    [Fact]
    public async Task ChannelReplay_StartsWhereTheUserWasLetIn_NeverBefore()
    {
        await using var host = await InboxHost.StartAsync();
        await host.Provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "before 1" }, Ct);
        await host.Provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "before 2" }, Ct);
        var alerts = NotificationStreamId.ForChannel("1", "alerts");
        await using (var first = host.Gateway.Connect("1", "alice"))
        {
            first.JoinChannel("alerts");
            await Eventually.TrueAsync(async () => await host.Journal.GetMembershipAsync(alerts, "alice", Ct) is not null, "the membership is recorded");
            await host.Provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "member 1" }, Ct);
            Assert.Equal("member 1", (await first.Notifications.NextAsync()).Subject);
        }

        await host.Provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "while away" }, Ct);
        await using var again = host.Gateway.Connect("1", "alice");
        again.JoinChannel("alerts", position: 0);

        Assert.Equal(["member 1", "while away"], (await again.Notifications.NextAsync(2)).Select(n => n.Subject));
        // The user's own stream, followed without a position, says where it joined (an empty replay) first.
        Assert.Equal(new StreamReplay { Stream = "t:1:user:alice", Position = 0, Count = 0 }, await again.Replays.NextAsync());
        Assert.Equal(new StreamReplay { Stream = "t:1:channel:alerts", Position = 4, Count = 2 }, await again.Replays.NextAsync());
    }

    [Fact]
    public async Task LeaveChannel_OnAConnectionThatDidNotJoin_StillEndsTheUsersMembership()
    {
        await using var host = await InboxHost.StartAsync();
        var alerts = NotificationStreamId.ForChannel("1", "alerts");
        await using (var phone = host.Gateway.Connect("1", "alice"))
        {
            phone.JoinChannel("alerts");
            await Eventually.TrueAsync(async () => await host.Journal.GetMembershipAsync(alerts, "alice", Ct) is not null, "the membership is recorded");
        }

        await using var laptop = host.Gateway.Connect("1", "alice");
        Assert.False(laptop.LeaveChannel("alerts"));

        await Eventually.TrueAsync(async () => await host.Journal.GetMembershipAsync(alerts, "alice", Ct) is null, "the membership ends");
        await host.Provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "after leaving" }, Ct);
        Assert.Equal(0, await host.Inbox.GetUnreadCountAsync("1", "alice", Ct));
    }

    [Fact]
    public async Task OneId_SentToTwoUsers_ReachesBoth_AndARetryToOneIsNotDeliveredAgain()
    {
        await using var host = await InboxHost.StartAsync();
        await using var alice = host.Gateway.Connect("1", "alice");
        await using var bob = host.Gateway.Connect("1", "bob");
        SendResult Sent(SendResult result)
        {
            Assert.True(result.Success, result.Error?.Message);
            return result;
        }

        var toAlice = Sent(await host.Provider.SendAsync(new NotificationMessage(NotificationRecipient.ForUser("alice"), new NotificationContent { Subject = "order 42 shipped" }) { Id = "order-42" }, Ct));
        var toBob = Sent(await host.Provider.SendAsync(new NotificationMessage(NotificationRecipient.ForUser("bob"), new NotificationContent { Subject = "order 42 shipped" }) { Id = "order-42" }, Ct));
        Sent(await host.Provider.SendAsync(new NotificationMessage(NotificationRecipient.ForUser("alice"), new NotificationContent { Subject = "order 42 shipped" }) { Id = "order-42" }, Ct));
        await host.SendAsync("alice", "marker");

        Assert.Equal("order-42", (await bob.Notifications.NextAsync()).Id);
        Assert.Equal(["order 42 shipped", "marker"], (await alice.Notifications.NextAsync(2)).Select(n => n.Subject));
        Assert.Equal(1, toAlice.Metadata["deliveredConnections"]);
        Assert.Equal(1, toBob.Metadata["deliveredConnections"]);
        Assert.Single((await host.Inbox.ListAsync("1", "bob", cancellationToken: Ct)).Items);
        Assert.Equal(2, (await host.Inbox.ListAsync("1", "alice", cancellationToken: Ct)).Items.Count);
    }

    [Fact]
    public async Task FailWhenRecipientOffline_ASendToNobodyFailsNotRetryably_ButIsStored_AndReplayedOnce()
    {
        await using var host = await InboxHost.StartAsync(failWhenRecipientOffline: true);

        var offline = await host.Provider.SendToUserAsync("bob", new NotificationContent { Subject = "while away" }, Ct);
        await using var bob = host.Gateway.Connect("1", "bob", new Dictionary<string, long> { ["t:1:user:bob"] = 0 });
        var replayed = await bob.Replays.NextAsync();
        var online = await host.Provider.SendToUserAsync("bob", new NotificationContent { Subject = "live" }, Ct);

        Assert.False(offline.Success);
        Assert.Equal(WebSocketErrorCodes.RecipientOffline, offline.Error!.Code);
        Assert.False(offline.Error.Retryable);
        Assert.Contains("stored", offline.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, replayed.Count);
        Assert.True(online.Success);
        Assert.Equal(["while away", "live"], (await bob.Notifications.NextAsync(2)).Select(n => n.Subject));
        Assert.Equal(2, (await host.Inbox.ListAsync("1", "bob", cancellationToken: Ct)).Items.Count);
    }

    [Fact]
    public async Task SlowReader_FallsBackToTheStore_AndMissesNothing()
    {
        await using var host = await InboxHost.StartAsync(connectionBuffer: 16);
        await using var alice = host.Gateway.Connect("1", "alice");

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => host.SendAsync("alice", "n" + i)));

        Assert.Equal(Enumerable.Range(1, 400).Select(p => (long)p), (await alice.Notifications.NextAsync(400)).Select(n => n.Position!.Value));
    }

    [Fact]
    public async Task StoreLocked_SendsFailRetryably_NothingIsStored_ThenSendsSucceedAgain()
    {
        await using var host = await InboxHost.StartAsync(o => o.ConnectionString = $"Data Source={o.DatabasePath};Default Timeout=1");
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationInboxOptions>>().Value;
        await host.SendAsync("alice", "before");
        await using (var locker = new SqliteConnection(options.ConnectionString))
        {
            await locker.OpenAsync(Ct);
            await using var command = locker.CreateCommand();
            command.CommandText = "BEGIN EXCLUSIVE";
            await command.ExecuteNonQueryAsync(Ct);

            var failed = await host.Provider.SendToUserAsync("alice", new NotificationContent { Subject = "during the outage" }, Ct);

            Assert.False(failed.Success);
            Assert.Equal(WebSocketErrorCodes.StoreUnavailable, failed.Error!.Code);
            Assert.True(failed.Error.Retryable);
        }

        await host.SendAsync("alice", "after");
        Assert.Equal(["after", "before"], (await host.Inbox.ListAsync("1", "alice", cancellationToken: Ct)).Items.Select(i => i.Notification.Subject));
    }

    [Fact]
    public async Task MarkRead_ReachesEveryConnectionOfTheUser_WithTheUnreadCount()
    {
        await using var host = await InboxHost.StartAsync();
        await using var phone = host.Gateway.Connect("1", "alice");
        await using var laptop = host.Gateway.Connect("1", "alice");
        var first = await host.SendAsync("alice", "one");
        await host.SendAsync("alice", "two");

        var change = await host.Inbox.MarkReadAsync("1", "alice", [first.MessageId], Ct);

        Assert.Equal(new InboxChange { Kind = InboxChangeKind.Read, Ids = change.Ids, UnreadCount = 1 }, await phone.InboxChanges.NextAsync());
        Assert.Equal(1, (await laptop.InboxChanges.NextAsync()).UnreadCount);
        Assert.Equal([first.MessageId], change.Ids);
        Assert.Equal(1, await host.Inbox.GetUnreadCountAsync("1", "alice", Ct));
    }

    private static async Task<List<long>> ReadUntilAsync(InProcessConnection connection, long last, long from)
    {
        await using (connection)
        {
            var positions = new List<long>();
            while (positions.Count == 0 || positions[^1] < last)
            {
                positions.Add((await connection.Notifications.NextAsync()).Position!.Value);
            }

            Assert.True(positions[0] == from + 1, $"connected at {from}, first received {positions[0]}");
            return positions;
        }
    }
}
