using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

/// <summary>
/// Data the hub's JSON options cannot write fails the send with <c>WEBSOCKET_SERIALIZATION_ERROR</c>, and the
/// recipients' connections stay open. SignalR serializes a group send as it writes each connection: the send used to
/// report success while every recipient's connection was aborted (with the Redis backplane: <c>WEBSOCKET_ERROR</c>).
/// </summary>
public sealed class UnserializableDataTests(RedisServerFixture redis)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASendWhoseDataCannotBeWritten_FailsWithSerializationError_AndTheConnectionsStayOpen(bool scaledOut)
    {
        var configuration = scaledOut ? redis.RequireConfiguration() : null;
        var prefix = "t" + Guid.NewGuid().ToString("N");
        await using var server = await GatewayServer.StartAsync(notifications: b =>
        {
            if (configuration is not null)
            {
                b.AddSignalRRedisScaleOut(configuration, prefix);
            }
        });
        await using var alice = await server.ConnectAsync("alice", "1");
        await alice.JoinedAsync("alerts");
        var provider = await server.ProviderAsync("1");
        var cycle = new Link();
        cycle.Next = cycle;

        var toUser = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "cyclic", Data = cycle }, TestContext.Current.CancellationToken);
        var toChannel = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "cyclic", Data = cycle }, TestContext.Current.CancellationToken);
        var after = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "after" }, TestContext.Current.CancellationToken);
        await alice.NotificationAsync("after");

        foreach (var result in new[] { toUser, toChannel })
        {
            Assert.False(result.Success);
            Assert.Equal(WebSocketErrorCodes.SerializationError, result.Error?.Code);
            Assert.False(result.Error?.Retryable);
            Assert.Contains(typeof(Link).FullName!, result.Error?.Message, StringComparison.Ordinal);
        }

        Assert.True(after.Success, after.Error?.Message);
        Assert.Equal(["after"], alice.NotificationSubjects());
        Assert.False(alice.ClosedTask.Task.IsCompleted);
    }

    private sealed class Link
    {
        public Link? Next { get; set; }
    }
}
