namespace Notify.WebSocket.Tests.Internal;

public sealed class InProcessNotificationGatewayTests
{
    private static NotificationPayload Payload(string id) =>
        NotificationPayload.Create(id, NotificationRecipient.ForChannel("c"), new NotificationContent { Body = id }, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task LeftChannel_ReceivesNothingMore()
    {
        var gateway = new InProcessNotificationGateway();
        await using var connection = gateway.Connect("t", "u");
        Assert.True(connection.JoinChannel("c"));
        Assert.False(connection.JoinChannel("c"));

        Assert.Equal(1, await gateway.SendToChannelAsync("t", "c", Payload("1"), TestContext.Current.CancellationToken));
        Assert.True(connection.LeaveChannel("c"));
        Assert.Equal(0, await gateway.SendToChannelAsync("t", "c", Payload("2"), TestContext.Current.CancellationToken));

        Assert.True(connection.Notifications.TryRead(out var first));
        Assert.Equal("1", first.Id);
        Assert.False(connection.Notifications.TryRead(out _));
    }

    [Fact]
    public async Task LeavingFromTheFirstMiddleOrLastPlace_KeepsEveryOtherMember()
    {
        var gateway = new InProcessNotificationGateway();
        var members = Enumerable.Range(0, 5).Select(i => gateway.Connect("t", "u" + i)).ToArray();
        foreach (var member in members)
        {
            member.JoinChannel("c");
        }

        members[2].LeaveChannel("c");
        members[0].LeaveChannel("c");
        members[4].LeaveChannel("c");

        Assert.Equal(2, await gateway.SendToChannelAsync("t", "c", Payload("1"), TestContext.Current.CancellationToken));
        Assert.Equal([false, true, false, true, false], members.Select(m => m.Notifications.TryRead(out _)));
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }

    [Fact]
    public async Task DisposedConnection_LeavesEverythingAndCompletes()
    {
        var gateway = new InProcessNotificationGateway();
        var connection = gateway.Connect("t", "u");
        connection.JoinChannel("c");

        await connection.DisposeAsync();

        Assert.Equal(0, gateway.ConnectionCount);
        Assert.Equal(0, gateway.GetConnectionCount("t", "u"));
        Assert.Equal(0, await gateway.SendToChannelAsync("t", "c", Payload("x"), TestContext.Current.CancellationToken));
        Assert.True(connection.Notifications.Completion.IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => connection.JoinChannel("d"));
    }

    [Fact]
    public async Task WithoutTheInbox_ReplaysAndInboxChangesAreEmptyAndCompleted_NotificationsStillFlow()
    {
        var gateway = new InProcessNotificationGateway();
        await using var connection = gateway.Connect("t", "u");
        connection.JoinChannel("c");

        await gateway.SendToChannelAsync("t", "c", Payload("1"), TestContext.Current.CancellationToken);

        Assert.False(await connection.Replays.WaitToReadAsync(TestContext.Current.CancellationToken));
        Assert.False(await connection.InboxChanges.WaitToReadAsync(TestContext.Current.CancellationToken));
        Assert.True(connection.Notifications.TryRead(out var delivered));
        Assert.Equal("1", delivered.Id);
    }

    [Fact]
    public async Task FullBuffer_DropsTheOldest()
    {
        var gateway = new InProcessNotificationGateway(new InProcessGatewayOptions { ConnectionBufferCapacity = 2 });
        await using var connection = gateway.Connect("t", "u");
        connection.JoinChannel("c");

        foreach (var id in new[] { "1", "2", "3" })
        {
            await gateway.SendToChannelAsync("t", "c", Payload(id), TestContext.Current.CancellationToken);
        }

        Assert.True(connection.Notifications.TryRead(out var a));
        Assert.True(connection.Notifications.TryRead(out var b));
        Assert.Equal(["2", "3"], new[] { a.Id, b.Id });
    }

    [Fact]
    public async Task ConcurrentJoinsLeavesAndSends_KeepMembershipConsistent()
    {
        var gateway = new InProcessNotificationGateway();
        var connections = Enumerable.Range(0, 200).Select(i => gateway.Connect("t", "u" + i)).ToArray();

        await Parallel.ForEachAsync(connections, TestContext.Current.CancellationToken, async (c, ct) =>
        {
            for (var i = 0; i < 50; i++)
            {
                c.JoinChannel("hot");
                await gateway.SendToChannelAsync("t", "hot", Payload("p"), ct);
                c.LeaveChannel("hot");
            }

            c.JoinChannel("hot");
        });

        Assert.Equal(200, await gateway.SendToChannelAsync("t", "hot", Payload("final"), TestContext.Current.CancellationToken));
        foreach (var c in connections)
        {
            await c.DisposeAsync();
        }

        Assert.Equal(0, gateway.ConnectionCount);
    }
}
