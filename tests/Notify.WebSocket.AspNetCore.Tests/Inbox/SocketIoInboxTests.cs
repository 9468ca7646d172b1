using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.SocketIo.Gateway;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;
using Notify.WebSocket.Handling.Database;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Storage;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>The inbox through the Socket.IO endpoint, with the official socket.io-client (Node) and a real SQLite store.</summary>
public sealed class SocketIoInboxTests
{
    private static Task<GatewayServer> StartAsync(TempDirectory directory) => InboxGateway.StartAsync(directory.File("inbox.db"), socketIo: _ => { });

    /// <summary>A gateway (Socket.IO on) whose built-in store's membership joins can be held.</summary>
    private static async Task<(GatewayServer Server, HeldJoinStore Store)> StartWithHeldJoinsAsync(TempDirectory directory)
    {
        HeldJoinStore? store = null;
        var server = await InboxGateway.StartAsync(directory.File("inbox.db"), socketIo: _ => { }, services: s => s.AddSingleton<INotificationStore>(sp =>
            store = new HeldJoinStore(InboxStoreFactory.Create(sp.GetRequiredService<IOptions<NotificationInboxOptions>>().Value, sp.GetServices<DatabaseProviderRegistration>()))));
        return (server, store!);
    }

    /// <summary>A store whose next membership join, once it has joined, waits to return until released.</summary>
    private sealed class HeldJoinStore(INotificationStore inner) : DelegatingStore(inner)
    {
        private Hold? _hold;

        public Hold HoldNextJoin() => _hold = new Hold();

        public override Task<long> JoinAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default) =>
            ThenHoldAsync(Inner.JoinAsync(stream, userId, cancellationToken), () => Interlocked.Exchange(ref _hold, null));
    }

    private static string Auth(string userId, object positions) =>
        JsonSerializer.Serialize(new { token = TestTokens.For(userId, "1"), positions });

    [Theory]
    [InlineData("polling,websocket")]
    [InlineData("websocket")]
    public async Task Connect_WithPositionsInAuth_ReplaysWhatWasMissed_InOrder_ThenSaysSo_ThenLive(string transports)
    {
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        for (var i = 1; i <= 4; i++)
        {
            await server.SendToUserAsync("alice", "missed " + i);
        }

        await (await server.ProviderAsync("1")).SendToChannelAsync("system", new NotificationContent { Subject = "before alice was a member" });
        await using var alice = await NodeSocketIoClient.StartAsync(
            server.SocketIoUrl, token: null, transports: transports, authJson: Auth("alice", new Dictionary<string, long> { ["t:1:user:alice"] = 1, ["t:1:channel:system"] = 0 }));
        await alice.ConnectedAsync();
        var replayed = await alice.EventAsync("notification:replayed", b => b.GetProperty("stream").GetString() == "t:1:user:alice");
        await server.SendToUserAsync("alice", "live");
        await alice.NotificationAsync("live");

        var received = Notifications(alice);
        Assert.Equal(["missed 2", "missed 3", "missed 4", "live"], received.Select(n => n.GetProperty("subject").GetString()));
        Assert.Equal([2L, 3, 4, 5], received.Select(n => n.GetProperty("position").GetInt64()));
        Assert.All(received, n => Assert.Equal("t:1:user:alice", n.GetProperty("stream").GetString()));
        Assert.Equal(4, replayed.GetProperty("position").GetInt64());
        Assert.Equal(3, replayed.GetProperty("count").GetInt32());
        Assert.False(replayed.GetProperty("reset").GetBoolean());
        Assert.True(IndexOf(alice, "notification:replayed") < IndexOf(alice, "notification:new", "live"), "the replay ends before anything live");
        var system = await alice.EventAsync("notification:replayed", b => b.GetProperty("stream").GetString() == "t:1:channel:system");
        Assert.Equal(0, system.GetProperty("count").GetInt32());
        Assert.DoesNotContain("before alice was a member", alice.NotificationSubjects());
    }

    [Fact]
    public async Task TheClientsConnect_ComesOnlyOnceTheConnectionIsSetUp_AndWhatWasSentMeanwhile_After()
    {
        using var directory = new TempDirectory();
        var (server, store) = await StartWithHeldJoinsAsync(directory);
        await using var _server = server;
        using var raw = new RawEngineIo(server.BaseAddress, "/socket.io");
        var (socket, _) = await raw.OpenWebSocketAsync();
        using var _socket = socket;

        // The connection is accepted; setting it up stops at the default channel's membership.
        var hold = store.HoldNextJoin();
        await RawEngineIo.SendTextAsync(socket, "40{\"token\":\"" + TestTokens.For("alice", "1") + "\"}");
        await hold.Read;
        var sent = await server.SendToUserAsync("alice", "while setting up");

        // The socket is in alice's group, so the send reached it, but it holds its CONNECT answer and that send.
        var alice = server.Services.GetRequiredService<SocketIoGatewayNamespace>().Rooms.Members(GroupNames.User("1", "alice")).Single();
        Assert.True(alice.IsHeld);
        hold.Release();
        var connect = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);

        // Then the notification (its connection's queue sends it), the default channel's join, and where the user's
        // stream and the channel's were joined (empty replays), in any order.
        var next = new string[4];
        for (var i = 0; i < next.Length; i++)
        {
            next[i] = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);
        }

        Assert.StartsWith("40{\"sid\":", connect, StringComparison.Ordinal);
        Assert.Single(next, e => e.StartsWith("42[\"notification:replayed\",", StringComparison.Ordinal)
            && e.Contains("\"stream\":\"t:1:user:alice\",\"position\":0,\"count\":0", StringComparison.Ordinal));
        Assert.Single(next, e => e.StartsWith("42[\"notification:new\"", StringComparison.Ordinal) && e.Contains("while setting up", StringComparison.Ordinal));
        Assert.Single(next, e => e == "42[\"channel:joined\",{\"channelName\":\"system\"}]");
        Assert.Equal(1, sent.Metadata["deliveredConnections"]);
    }

    /// <summary>
    /// engine.io-client pauses polling to upgrade only once its POST is answered, and a probe lost in that window leaves
    /// it paused until its ping timeout (45 s; outside trial G). The POST carrying a CONNECT was answered only once the
    /// whole connect was set up, which made the window as long as the set-up: it is answered at once now.
    /// </summary>
    [Fact]
    public async Task APollingPostCarryingTheConnect_IsAnsweredAtOnce_WhileTheConnectIsSetUp()
    {
        using var directory = new TempDirectory();
        var (server, store) = await StartWithHeldJoinsAsync(directory);
        await using var _server = server;
        using var raw = new RawEngineIo(server.BaseAddress, "/socket.io");
        var sid = await raw.OpenPollingAsync();

        var hold = store.HoldNextJoin();
        var posted = await raw.PostAsync(sid, "40{\"token\":\"" + TestTokens.For("alice", "1") + "\"}");
        await hold.Read;

        // The connect is held at the default channel's membership, and the POST was answered all the same.
        Assert.Equal((System.Net.HttpStatusCode.OK, "ok"), posted);
        hold.Release();
        var (_, polled) = await raw.PollAsync(sid);
        Assert.StartsWith("40{\"sid\":", polled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithPositionsInTheQuery_OverPolling_Replays()
    {
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        await server.SendToUserAsync("carol", "one");
        await server.SendToUserAsync("carol", "two");

        await using var carol = await NodeSocketIoClient.StartAsync(
            server.SocketIoUrl, TestTokens.For("carol", "1"), transports: "polling", queryJson: JsonSerializer.Serialize(new { positions = """{"t:1:user:carol":1}""" }));
        await carol.ConnectedAsync();
        await carol.EventAsync("notification:replayed", b => b.GetProperty("stream").GetString() == "t:1:user:carol");

        Assert.Equal(["two"], carol.NotificationSubjects());
    }

    [Fact]
    public async Task Reconnect_WithThePositionsSeen_GetsWhatWasSentMeanwhile_Once()
    {
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        long seen;
        await using (var first = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("dave", "1")))
        {
            await server.SendToUserAsync("dave", "while connected");
            seen = (await first.NotificationAsync("while connected")).GetProperty("position").GetInt64();
        }

        await server.SendToUserAsync("dave", "while away 1");
        await server.SendToUserAsync("dave", "while away 2");
        await using var again = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, token: null, authJson: Auth("dave", new Dictionary<string, long> { ["t:1:user:dave"] = seen }));
        await again.ConnectedAsync();
        await again.EventAsync("notification:replayed");
        await server.SendToUserAsync("dave", "back");
        await again.NotificationAsync("back");

        Assert.Equal(["while away 1", "while away 2", "back"], again.NotificationSubjects());
    }

    [Fact]
    public async Task InboxRead_IsAcknowledged_AndEveryConnectionOfTheUserGetsTheUnreadCount_OverSocketIoAndSignalR()
    {
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        var first = await server.SendToUserAsync("erin", "first");
        await server.SendToUserAsync("erin", "second");
        await using var socketIo = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("erin", "1"));
        await using var signalR = await server.ConnectAsync("erin", "1");
        await using var other = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("frank", "1"));

        var ack = await socketIo.EmitWithAckAsync("inbox:read", new { ids = new[] { first.MessageId } });

        var change = await socketIo.EventAsync("inbox:updated");
        var seenBySignalR = await signalR.NextAsync("inbox:updated");
        Assert.Equal(0, ack.GetArrayLength());
        Assert.Equal("read", change.GetProperty("kind").GetString());
        Assert.Equal([first.MessageId], change.GetProperty("ids").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(1, change.GetProperty("unreadCount").GetInt64());
        Assert.Equal(1, seenBySignalR.GetProperty("unreadCount").GetInt64());
        Assert.Equal(1, await server.Inbox().GetUnreadCountAsync("1", "erin"));

        await socketIo.EmitAsync("inbox:read", new { all = true });
        Assert.Equal(0, (await signalR.NextAsync("inbox:updated")).GetProperty("unreadCount").GetInt64());
        Assert.DoesNotContain(other.Lines(), l => l.GetProperty("type").GetString() == "event" && l.GetProperty("name").GetString() == "inbox:updated");
    }

    [Fact]
    public async Task PositionsOfAnotherUser_OrMalformed_AreRefusedWithAnErrorEvent_AndTheConnectionStays()
    {
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        await server.SendToUserAsync("bob", "bob's");

        await using var refused = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, token: null, authJson: Auth("mallory", new Dictionary<string, long> { ["t:1:user:bob"] = 0 }));
        await refused.ConnectedAsync();
        var error = await refused.EventAsync("error");
        await using var malformed = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, token: null, authJson: Auth("mallory", new[] { 1, 2 }));
        await malformed.ConnectedAsync();
        var invalid = await malformed.EventAsync("error");
        var badRead = await malformed.EmitWithAckAsync("inbox:read", new { ids = "not a list" });
        await server.SendToUserAsync("mallory", "still connected");
        await malformed.NotificationAsync("still connected");

        Assert.Equal("POSITION_REFUSED", error.GetProperty("code").GetString());
        Assert.Equal("INVALID_REQUEST", invalid.GetProperty("code").GetString());
        Assert.Equal("INVALID_REQUEST", badRead[0].GetProperty("code").GetString());
        Assert.DoesNotContain("bob's", refused.NotificationSubjects());
    }

    [Fact]
    public async Task AMalformedPositionInTheHandshake_IsRefused_AndThePositionsAfterItAreStillUsed()
    {
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        await server.SendToUserAsync("alice", "one");
        await server.SendToUserAsync("alice", "two");
        await server.SendToUserAsync("alice", "three");

        var positions = new Dictionary<string, object> { ["t:1:channel:alerts"] = "x", ["t:1:user:alice"] = 1 };
        await using var alice = await NodeSocketIoClient.StartAsync(server.SocketIoUrl, token: null, authJson: Auth("alice", positions));
        await alice.ConnectedAsync();
        var invalid = await alice.EventAsync("error");
        var replayed = await alice.EventAsync("notification:replayed", b => b.GetProperty("stream").GetString() == "t:1:user:alice");

        Assert.Equal("INVALID_REQUEST", invalid.GetProperty("code").GetString());
        Assert.Equal(2, replayed.GetProperty("count").GetInt32());
        Assert.Equal(["two", "three"], alice.NotificationSubjects());
    }

    [Fact]
    public async Task AnInboxRequestAndAnEventNameThatAreNoText_AreAnswered_AndTheSocketStays()
    {
        // Escaped lone surrogates: well-formed JSON, no string. The inbox request used to close the session (no ack).
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory);
        using var raw = new RawEngineIo(server.BaseAddress, "/socket.io");
        var (socket, _) = await raw.OpenWebSocketAsync();
        using (socket)
        {
            await RawEngineIo.SendTextAsync(socket, "40" + JsonSerializer.Serialize(new { token = TestTokens.For("alice", "1") }));
            Assert.StartsWith("40", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true), StringComparison.Ordinal);

            await RawEngineIo.SendTextAsync(socket, """42["\ud800",1]""");
            await RawEngineIo.SendTextAsync(socket, """427["inbox:read",{"ids":["\ud800"]}]""");
            await RawEngineIo.SendTextAsync(socket, """428["inbox:read",{"ids":["real-id"]}]""");
            string? refusal = null, answer = null;
            while (refusal is null || answer is null)
            {
                var text = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);
                refusal = text.StartsWith("437", StringComparison.Ordinal) ? text : refusal;
                answer = text.StartsWith("438", StringComparison.Ordinal) ? text : answer;
            }

            Assert.Contains("INVALID_REQUEST", refusal, StringComparison.Ordinal);
            Assert.Equal("438[]", answer);
        }
    }

    private static List<JsonElement> Notifications(NodeSocketIoClient client) =>
        [.. client.Lines()
            .Where(l => l.GetProperty("type").GetString() == "event" && l.GetProperty("name").GetString() == "notification:new")
            .Select(l => l.GetProperty("body"))];

    private static int IndexOf(NodeSocketIoClient client, string eventName, string? subject = null)
    {
        var lines = client.Lines();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].GetProperty("type").GetString() == "event" && lines[i].GetProperty("name").GetString() == eventName
                && (subject is null || lines[i].GetProperty("body").GetProperty("subject").GetString() == subject))
            {
                return i;
            }
        }

        return -1;
    }
}
