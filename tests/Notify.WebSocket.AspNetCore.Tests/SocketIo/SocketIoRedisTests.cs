using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.SocketIo.Redis;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// Scale-out in the official Redis adapter's format, against a real redis-server and the official Node packages:
/// .NET instance to .NET instance, a Node @socket.io/redis-emitter into the .NET host, the .NET host into a Node
/// socket.io server with @socket.io/redis-adapter, and the emitter gateway into a Node cluster.
/// </summary>
public sealed class SocketIoRedisTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly string _key = "sio-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>An instance whose adapter has subscribed (under load its subscription connection can come up after the host started).</summary>
    private async Task<GatewayServer> StartInstanceAsync()
    {
        var server = await GatewayServer.StartAsync(
            socketIo: _ => { },
            notifications: b => b.AddSocketIoRedisAdapter(o =>
            {
                o.Configuration = redis.RequireConfiguration();
                o.SocketIoKey = _key;
                o.ChannelPrefix = _key;
            }));
        var adapter = server.Services.GetRequiredService<SocketIoRedisAdapter>();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => adapter.IsSubscribed, "the adapter subscribed", 30_000);
        return server;
    }

    [Fact]
    public async Task SendOnInstanceA_ReachesSocketIoClientsOfInstanceB()
    {
        await using var a = await StartInstanceAsync();
        await using var b = await StartInstanceAsync();
        await using var alice = await NodeSocketIoClient.ConnectAsync(b.SocketIoUrl, TestTokens.For("alice", "1"));
        await alice.EmitWithAckAsync("channel:join", new { channelName = "public.news" });
        var provider = await a.ProviderAsync("1");

        var toUser = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "from A", Data = new { n = 1 } });
        var toChannel = await provider.SendToChannelAsync("public.news", new NotificationContent { Subject = "news from A" });

        var received = await alice.NotificationAsync("from A");
        await alice.NotificationAsync("news from A");
        Assert.Equal(1, received.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(1, toUser.Metadata["deliveredConnections"]);
        Assert.Equal(1, toChannel.Metadata["deliveredConnections"]);
    }

    [Fact]
    public async Task NodeRedisEmitter_ReachesClientsOfTheDotNetHost_WithBinaryData()
    {
        await using var host = await StartInstanceAsync();
        await using var alice = await NodeSocketIoClient.ConnectAsync(host.SocketIoUrl, TestTokens.For("alice", "1"));
        await using var bob = await NodeSocketIoClient.ConnectAsync(host.SocketIoUrl, TestTokens.For("bob", "1"));

        await EmitFromNodeAsync("t:1:user:alice", "notification:new", """{"subject":"from node","n":[1,2.5,"x",null,true]}""", binary: true);

        var received = await alice.NotificationAsync("from node");
        Assert.Equal("[1,2.5,\"x\",null,true]", received.GetProperty("n").GetRawText());
        var attachment = received.GetProperty("attachment");
        Assert.Equal("Buffer", attachment.GetProperty("type").GetString());
        Assert.Equal("[1,2,3,4]", attachment.GetProperty("data").GetRawText());

        // bob's room was not named: the marker sent to him after it arrives alone.
        await EmitFromNodeAsync("t:1:user:bob", "notification:new", """{"subject":"marker"}""", binary: false);
        await bob.NotificationAsync("marker");
        Assert.DoesNotContain("from node", bob.NotificationSubjects());
    }

    [Fact]
    public async Task RedisDownWhenTheHostStarts_TheHostStartsAnyway_AndTheNodeEmitterReachesItsClientsOnceRedisIsUp()
    {
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Loopback.FreePort();
        var configuration = $"127.0.0.1:{port},connectTimeout=500";
        await using var host = await GatewayServer.StartAsync(
            socketIo: _ => { },
            notifications: b => b.AddSocketIoRedisAdapter(o =>
            {
                o.Configuration = configuration;
                o.SocketIoKey = _key;
                o.ChannelPrefix = _key;
            }));
        await using var alice = await NodeSocketIoClient.ConnectAsync(host.SocketIoUrl, TestTokens.For("alice", "1"));
        var adapter = host.Services.GetRequiredService<SocketIoRedisAdapter>();
        Assert.False(adapter.IsSubscribed);

        await using var server = await RedisServer.StartAsync(binary, port);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => adapter.IsSubscribed, "the adapter subscribed", 30_000);
        await EmitFromNodeAsync("t:1:user:alice", "notification:new", """{"subject":"after Redis came up"}""", binary: false, server.Configuration);

        await alice.NotificationAsync("after Redis came up");
    }

    [Fact]
    public async Task NodeServerWithTheRedisAdapter_ReceivesOurBroadcastsForItsClients()
    {
        await using var node = await NodePeer.StartAsync("socketio-redis-server.mjs", "--redis", redis.RequireConfiguration(), "--key", _key);
        await using var host = await StartInstanceAsync();
        await using var nodeClient = await NodeSocketIoClient.StartAsync(node.HttpUrl(), token: null, authJson: """{"rooms":["t:1:user:alice","t:1:channel:public.news"]}""");
        await nodeClient.EventAsync("ready");

        await (await host.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "to node's alice", Data = new { deep = new { list = new[] { 1, 2 } } } });
        await (await host.ProviderAsync("1")).SendToChannelAsync("public.news", new NotificationContent { Subject = "to node's channel" });

        var received = await nodeClient.NotificationAsync("to node's alice");
        await nodeClient.NotificationAsync("to node's channel");
        Assert.Equal("[1,2]", received.GetProperty("data").GetProperty("deep").GetProperty("list").GetRawText());
        Assert.Equal("alice", received.GetProperty("recipient").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task EmitterGateway_PushesIntoANodeCluster_WithTheDefaultRoomsAndEvent()
    {
        await using var node = await NodePeer.StartAsync("socketio-redis-server.mjs", "--redis", redis.RequireConfiguration(), "--key", _key);
        await using var alice = await NodeSocketIoClient.StartAsync(node.HttpUrl(), token: null, authJson: """{"rooms":["user:alice","channel:alerts"]}""");
        await alice.EventAsync("ready");
        using var service = await StartEmitterServiceAsync(_ => { });
        var provider = await service.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1");

        var toUser = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "from .NET", Data = new { ok = true } });
        var toChannel = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "alert from .NET" });

        var received = await alice.NotificationAsync("from .NET");
        await alice.NotificationAsync("alert from .NET");
        Assert.True(toUser.Success && toChannel.Success, toUser.Error?.Message ?? toChannel.Error?.Message);
        Assert.Equal(1, toUser.Metadata["deliveredConnections"]); // one server of the cluster listens
        Assert.True(received.GetProperty("data").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task EmitterGateway_WithTheTenantPlaceholder_KeepsTenantsApart()
    {
        await using var node = await NodePeer.StartAsync("socketio-redis-server.mjs", "--redis", redis.RequireConfiguration(), "--key", _key);
        await using var tenant1 = await NodeSocketIoClient.StartAsync(node.HttpUrl(), token: null, authJson: """{"rooms":["t:1:user:alice"]}""");
        await using var tenant2 = await NodeSocketIoClient.StartAsync(node.HttpUrl(), token: null, authJson: """{"rooms":["t:2:user:alice"]}""");
        await tenant1.EventAsync("ready");
        await tenant2.EventAsync("ready");
        using var service = await StartEmitterServiceAsync(o =>
        {
            o.UserRoom = "t:{tenantId}:user:{userId}";
            o.EventName = "notify";
        });
        var registry = service.Services.GetRequiredService<ProviderRegistry>();

        await (await registry.GetProviderAsync("2")).SendToUserAsync("alice", new NotificationContent { Subject = "tenant 2" });
        await (await registry.GetProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "tenant 1" });

        await tenant1.EventAsync("notify", b => b.GetProperty("subject").GetString() == "tenant 1");
        await tenant2.EventAsync("notify", b => b.GetProperty("subject").GetString() == "tenant 2");
        Assert.DoesNotContain(tenant1.Lines(), l => l.GetProperty("type").GetString() == "event" && l.GetProperty("body").TryGetProperty("subject", out var s) && s.GetString() == "tenant 2");
    }

    [Fact]
    public async Task EmitterGateway_ATenantIdThatSpellsAnotherTenantsRoom_ReachesOnlyItsOwnEscapedRoom()
    {
        await using var node = await NodePeer.StartAsync("socketio-redis-server.mjs", "--redis", redis.RequireConfiguration(), "--key", _key);
        await using var member = await NodeSocketIoClient.StartAsync(node.HttpUrl(), token: null, authJson: """{"rooms":["t:1:channel:x:user:u"]}""");
        await using var forger = await NodeSocketIoClient.StartAsync(node.HttpUrl(), token: null, authJson: """{"rooms":["t:1%3Achannel%3Ax:user:u"]}""");
        await member.EventAsync("ready");
        await forger.EventAsync("ready");
        using var service = await StartEmitterServiceAsync(o =>
        {
            o.UserRoom = "t:{tenantId}:user:{userId}";
            o.ChannelRoom = "t:{tenantId}:channel:{channel}";
            o.EventName = "notify";
        });
        var registry = service.Services.GetRequiredService<ProviderRegistry>();

        // Unescaped, tenant "1:channel:x" sending to user "u" would name tenant 1's channel "x:user:u".
        await (await registry.GetProviderAsync("1:channel:x")).SendToUserAsync("u", new NotificationContent { Subject = "forged" });
        await (await registry.GetProviderAsync("1")).SendToChannelAsync("x:user:u", new NotificationContent { Subject = "legit" });

        await forger.EventAsync("notify", b => b.GetProperty("subject").GetString() == "forged");
        await member.EventAsync("notify", b => b.GetProperty("subject").GetString() == "legit");
        Assert.DoesNotContain(member.Lines(), l => l.GetProperty("type").GetString() == "event" && l.GetProperty("body").TryGetProperty("subject", out var s) && s.GetString() == "forged");
    }

    private async Task<IHost> StartEmitterServiceAsync(Action<SocketIoEmitterOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services
            .AddWebSocketNotifications(o => o.SupportChannelBroadcast = true)
            .AddSocketIoEmitterGateway(o =>
            {
                o.Configuration = redis.RequireConfiguration();
                o.Key = _key;
                configure(o);
            });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task EmitFromNodeAsync(string room, string eventName, string dataJson, bool binary, string? redisConfiguration = null)
    {
        var arguments = new List<string> { "--redis", redisConfiguration ?? redis.RequireConfiguration(), "--key", _key, "--room", room, "--event", eventName, "--data", dataJson };
        if (binary)
        {
            arguments.Add("--binary");
        }

        await using var emitter = await NodeLineProcess.StartAsync("socketio-redis-emitter.mjs", arguments);
        await emitter.NextAsync(l => l.TryGetProperty("published", out _), "the emitter's publish");
    }
}
