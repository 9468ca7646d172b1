using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>Replay through the SignalR gateway, with real SignalR clients and a real SQLite store.</summary>
public sealed class GatewayReplayTests
{
    [Fact]
    public async Task Connect_WithPositions_ReplaysWhatWasMissed_InOrder_ThenSaysSo_ThenLive()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        for (var i = 1; i <= 4; i++)
        {
            await server.SendToUserAsync("alice", "missed " + i);
        }

        await (await server.ProviderAsync("1")).SendToChannelAsync("system", new NotificationContent { Subject = "before alice was a member" });
        await using var alice = await server.ConnectAsync("alice", "1", new Dictionary<string, long> { ["t:1:user:alice"] = 1, ["t:1:channel:system"] = 0 });
        var replayed = await alice.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:user:alice");
        await server.SendToUserAsync("alice", "live");

        var positions = await alice.PositionsAsync(4);
        Assert.Equal([2L, 3, 4, 5], positions);
        Assert.Equal(4, replayed.GetProperty("position").GetInt64());
        Assert.Equal(3, replayed.GetProperty("count").GetInt32());
        Assert.False(replayed.GetProperty("reset").GetBoolean());
        var system = await alice.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:channel:system");
        Assert.Equal(0, system.GetProperty("count").GetInt32());
        Assert.DoesNotContain("before alice was a member", alice.NotificationSubjects());
    }

    /// <summary>
    /// A client that connected without positions and dropped before any notification reached it had no position to
    /// come back with, and what was sent meanwhile never reached it live (outside trial G). Each stream it follows says
    /// where it joined, as an empty replay.
    /// </summary>
    [Fact]
    public async Task AConnectionWithoutPositions_IsToldWhereItJoined_AndComingBackWithThatLosesNothing()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await server.SendToUserAsync("gina", "history");
        long joinedAt;
        await using (var first = await server.ConnectAsync("gina", "1"))
        {
            var joined = await first.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:user:gina");
            joinedAt = joined.GetProperty("position").GetInt64();
            Assert.Equal(0, joined.GetProperty("count").GetInt32());
        }

        await server.SendToUserAsync("gina", "while away");
        await using var again = await server.ConnectAsync("gina", "1", new Dictionary<string, long> { ["t:1:user:gina"] = joinedAt });
        await again.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:user:gina");

        Assert.Equal(1, joinedAt);
        Assert.Equal(["while away"], again.NotificationSubjects());
    }

    [Fact]
    public async Task ChannelJoin_WithAPosition_ReplaysTheChannelSinceTheUserWasLetIn()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        var provider = await server.ProviderAsync("1");
        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "before" });
        await using (var first = await server.ConnectAsync("bob", "1"))
        {
            await first.JoinedAsync("alerts");
            await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "member" });
            await first.NotificationAsync("member");
        }

        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "while away" });
        await using var again = await server.ConnectAsync("bob", "1");
        await again.Connection.InvokeAsync("channel:join", new { channelName = "alerts", position = 0 });
        var replayed = await again.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:channel:alerts");

        Assert.Equal(["member", "while away"], again.NotificationSubjects());
        Assert.Equal(3, replayed.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task ChannelLeave_FromAConnectionThatDidNotJoin_StillEndsTheUsersMembership()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        var provider = await server.ProviderAsync("1");
        var ct = TestContext.Current.CancellationToken;
        await using (var phone = await server.ConnectAsync("bob", "1"))
        {
            await phone.JoinedAsync("alerts");
        }

        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "while a member" });
        Assert.Equal(1, await server.Inbox().GetUnreadCountAsync("1", "bob", ct));
        await using var laptop = await server.ConnectAsync("bob", "1");
        await laptop.LeaveAsync("alerts");
        await laptop.NextAsync("channel:left", e => e.GetProperty("channelName").GetString() == "alerts");
        await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "after leaving" });

        // The channel left bob's inbox, what was stored while he was a member included.
        Assert.Empty((await server.Inbox().ListAsync("1", "bob", cancellationToken: ct)).Items);
        Assert.Equal(0, await server.Inbox().GetUnreadCountAsync("1", "bob", ct));
    }

    [Fact]
    public async Task FuturePosition_ReplaysFromTheOldestRetained_FlaggedReset()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await server.SendToUserAsync("alice", "one");
        await server.SendToUserAsync("alice", "two");

        await using var alice = await server.ConnectAsync("alice", "1", new Dictionary<string, long> { ["t:1:user:alice"] = 42 });
        var replayed = await alice.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:user:alice");

        Assert.True(replayed.GetProperty("reset").GetBoolean());
        Assert.Equal(["one", "two"], alice.NotificationSubjects());
    }

    [Theory]
    [InlineData("t:1:user:bob")]
    [InlineData("t:2:user:alice")]
    [InlineData("t:2:channel:system")]
    public async Task PositionsOfAnotherUserOrTenant_AreRefused_WithAnErrorEvent_AndNotReplayed(string stream)
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await server.SendToUserAsync("bob", "for bob", tenantId: "1");
        await server.SendToUserAsync("alice", "for alice of tenant 2", tenantId: "2");

        await using var alice = await server.ConnectAsync("alice", "1", new Dictionary<string, long> { [stream] = 0 });
        var error = await alice.NextAsync("error");
        await server.SendToUserAsync("alice", "marker");
        await alice.NotificationAsync("marker");

        Assert.Equal("POSITION_REFUSED", error.GetProperty("code").GetString());
        Assert.Contains(stream, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["marker"], alice.NotificationSubjects());
    }

    [Theory]
    [InlineData("""{"t:1:user:alice":"seven"}""", "Invalid positions: the position of t:1:user:alice is not a whole number")]
    [InlineData("""[1, 2]""", "Invalid positions: give one JSON object")]
    [InlineData("""{"\ud800":1}""", "Invalid positions: give one JSON object")]
    [InlineData("""{"system":1}""", "Invalid positions: system is not a stream id")]
    public async Task MalformedPositions_AreAnsweredWithInvalidRequest_AndTheConnectionStaysUsable(string positions, string message)
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));

        var client = await GatewayClient.ConnectAsync(new Uri(server.HubUrl + "?positions=" + Uri.EscapeDataString(positions)), TestTokens.For("alice", "1"));
        await using (client)
        {
            var error = await client.NextAsync("error");
            await server.SendToUserAsync("alice", "still live");
            await client.NotificationAsync("still live");

            Assert.Equal("INVALID_REQUEST", error.GetProperty("code").GetString());
            Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("1.5")]
    [InlineData("null")]
    [InlineData("{}")]
    public async Task AMalformedPositionBeforeAGoodOne_IsRefused_AndTheGoodOneIsStillReplayed(string bad)
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await server.SendToUserAsync("alice", "one");
        await server.SendToUserAsync("alice", "two");
        await server.SendToUserAsync("alice", "three");
        var positions = $$"""{"t:1:channel:alerts": {{bad}}, "t:1:user:alice": 1}""";

        var client = await GatewayClient.ConnectAsync(new Uri(server.HubUrl + "?positions=" + Uri.EscapeDataString(positions)), TestTokens.For("alice", "1"));
        await using (client)
        {
            var error = await client.NextAsync("error");
            var replayed = await client.NextAsync("notification:replayed", e => e.GetProperty("stream").GetString() == "t:1:user:alice");

            Assert.Equal("INVALID_REQUEST", error.GetProperty("code").GetString());
            Assert.Contains("t:1:channel:alerts", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(2, replayed.GetProperty("count").GetInt32());
            Assert.Equal(["two", "three"], client.NotificationSubjects());
        }
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    public async Task ChannelJoin_WithAMalformedPosition_IsRefusedWithInvalidRequest_AndNotJoined(string position)
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var bob = await server.ConnectAsync("bob", "1");

        await bob.Connection.InvokeAsync("channel:join", JsonDocument.Parse($$"""{ "channelName": "public.x", "position": {{position}} }""").RootElement);
        var error = await bob.NextAsync("error");
        await bob.JoinedAsync("public.y");
        await (await server.ProviderAsync("1")).SendToChannelAsync("public.x", new NotificationContent { Subject = "not for bob" });
        await (await server.ProviderAsync("1")).SendToChannelAsync("public.y", new NotificationContent { Subject = "marker" });
        await bob.NotificationAsync("marker");

        Assert.Equal("INVALID_REQUEST", error.GetProperty("code").GetString());
        Assert.Equal("public.x", error.GetProperty("channelName").GetString());
        Assert.Equal(["marker"], bob.NotificationSubjects());
        var inbox = await server.Inbox().ListAsync("1", "bob", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["marker"], inbox.Items.Select(i => i.Notification.Subject));
    }

    [Fact]
    public async Task ChannelJoin_WithANullPosition_JoinsLive()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var bob = await server.ConnectAsync("bob", "1");

        await bob.Connection.InvokeAsync("channel:join", JsonDocument.Parse("""{ "channelName": "public.x", "position": null }""").RootElement);
        await bob.NextAsync("channel:joined", e => e.GetProperty("channelName").GetString() == "public.x");
        await (await server.ProviderAsync("1")).SendToChannelAsync("public.x", new NotificationContent { Subject = "live" });

        await bob.NotificationAsync("live");
    }
}
