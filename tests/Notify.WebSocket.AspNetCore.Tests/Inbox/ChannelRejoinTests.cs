using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.AspNetCore.Inbox;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>
/// With the inbox, a connection joins the channels its user is a member of when it connects: the spec's client code,
/// which joins once, keeps its channels across reconnects. Real clients (Node socket.io-client, .NET SignalR) and SQLite.
/// </summary>
public sealed class ChannelRejoinTests
{
    [Fact]
    public async Task TheSpecsClientCode_JoinsOnce_AndKeepsItsChannelAfterTheTransportDrops()
    {
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"), socketIo: _ => { }, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var provider = await server.ProviderAsync("1");
        await using var client = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, TestTokens.For("alice", "1"), reconnection: true);
        await client.ConnectedAsync();
        await client.JoinAsync("alerts");
        await client.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "alerts");
        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "before the drop" });
        await client.NotificationAsync("before the drop");

        await client.DropAsync();
        await client.NextAsync("reconnect");
        await client.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "alerts");
        var sent = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "after the drop" });
        Assert.True(sent.Success, sent.Error?.Message);

        // The client did not join with a position: after the grace its channel delivers from where it connected.
        clock.Advance(GatewayInbox.RejoinGrace);
        await client.NotificationAsync("after the drop");

        Assert.Equal(["before the drop", "after the drop"], client.NotificationSubjects());
    }

    [Fact]
    public async Task PositionsGivenAtConnect_ReplayTheRejoinedChannel_WithoutAJoin()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        var provider = await server.ProviderAsync("1");
        long seen;
        await using (var phone = await server.ConnectAsync("bob", "1"))
        {
            await phone.JoinedAsync("alerts");
            await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "seen" });
            seen = (await phone.NotificationAsync("seen")).GetProperty("position").GetInt64();
        }

        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "missed" });
        await using var again = await server.ConnectAsync("bob", "1", new Dictionary<string, long> { ["t:1:channel:alerts"] = seen });
        await again.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:channel:alerts");
        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "live" });
        await again.NotificationAsync("live");

        Assert.Equal(["missed", "live"], again.NotificationSubjects());
    }

    [Fact]
    public async Task AJoinWithAPosition_AfterTheRejoin_ReplaysFromIt_InOrder_AndOnce_EvenWithSendsInBetween()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        var provider = await server.ProviderAsync("1");
        await using (var phone = await server.ConnectAsync("carol", "1"))
        {
            await phone.JoinedAsync("alerts");
            await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "one" });
            await phone.NotificationAsync("one");
        }

        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "two" });
        await using var again = await server.ConnectAsync("carol", "1");
        await again.NextAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "alerts");

        // Sent after the connection rejoined and before the client's own join: held, then delivered after the replay.
        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "three" });
        await again.Connection.InvokeAsync("channel:join", new { channelName = "alerts", position = 1 }, TestContext.Current.CancellationToken);
        await again.NotificationAsync("three");

        Assert.Equal(["two", "three"], again.NotificationSubjects());
    }

    [Fact]
    public async Task AChannelTheUserMayNoLongerJoin_IsNotJoinedAgain()
    {
        using var directory = new TempDirectory();
        var allowed = new SwitchableAuthorizer();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"), services: s => s.AddSingleton<IChannelAuthorizer>(allowed));
        await using (var first = await server.ConnectAsync("dave", "1"))
        {
            await first.JoinedAsync("alerts");
            await first.JoinedAsync("public.news");
        }

        allowed.Alerts = false;
        await using var again = await server.ConnectAsync("dave", "1");

        // The rejoin takes the channels in name order: "alerts" was decided before "public.news" was joined.
        await again.NextAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "public.news");
        Assert.DoesNotContain(again.Received(), e => e.Event == "channel:joined" && e.Body.GetProperty("channelName").GetString() == "alerts");
    }

    [Fact]
    public async Task WithRejoinOff_AReconnectJoinsOnlyTheDefaultChannels()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"), services: s => s.Configure<NotificationInboxOptions>(o => o.RejoinChannelsOnConnect = false));
        await using (var first = await server.ConnectAsync("erin", "1"))
        {
            await first.JoinedAsync("alerts");
        }

        await using var again = await server.ConnectAsync("erin", "1");
        await again.JoinedAsync("public.news");

        Assert.Equal(["system", "public.news"], again.Received().Where(e => e.Event == "channel:joined").Select(e => e.Body.GetProperty("channelName").GetString()));
    }

    private sealed class SwitchableAuthorizer : IChannelAuthorizer
    {
        public volatile bool Alerts = true;

        public ValueTask<bool> CanJoinAsync(ChannelAuthorizationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(context.ChannelName != "alerts" || Alerts);
    }
}
