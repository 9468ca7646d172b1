using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

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
}
