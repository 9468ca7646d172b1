using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External;

/// <summary>The spec's "rotate authentication tokens" while sends are in flight: nothing fails, nothing is lost.</summary>
public sealed class CredentialRotationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Protocols => ["ws", "socketio"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task TenRotations_During2000AcknowledgedSends_WithTheServerAcceptingOnlyTheCurrentToken_FailNothing_AndKeepOneConnection(string protocol)
    {
        const int Sends = 2000;
        const int InFlight = 32;
        var log = Path.Combine(Path.GetTempPath(), "notify-rotation-" + Guid.NewGuid().ToString("N"));
        await using var server = protocol == "ws"
            ? await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "token-0", "--log", log, "--ack-delay", "20")
            : await NodePeer.StartAsync("socketio-server.mjs", "--auth-token", "token-0", "--log", log, "--ack-delay", "20");
        await using var harness = ExternalHarness.Create(
            protocol == "ws" ? server.WsUrl() : server.HttpUrl(),
            """ "authType": "bearer", "authToken": "token-0", "enableAcknowledgments": true, "acknowledgmentTimeout": 10000 """,
            protocol: protocol);
        var provider = await harness.ConnectedAsync();
        var connection = provider.Connection();
        var configuration = harness.Services.GetRequiredService<ITenantConfigurationService>();

        var completed = 0;
        var results = new SendResult[Sends];
        var senders = Enumerable.Range(0, InFlight).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < Sends; i += InFlight)
            {
                results[i] = await provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct);
                Interlocked.Increment(ref completed);
            }
        }, Ct)).ToList();

        for (var rotation = 1; rotation <= 10; rotation++)
        {
            var threshold = rotation * 150;
            await Eventually.TrueAsync(() => Volatile.Read(ref completed) >= threshold, $"{threshold} sends completed", 60_000);
            var token = "token-" + rotation;
            await server.PostAsync(protocol == "ws" ? "/auth" : "/control/auth", protocol == "ws" ? new { bearer = token } : new { token });
            await configuration.UpdateProviderConfigAsync("1", o => o.AuthToken = token, Ct);
        }

        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(120), Ct);

        Assert.All(results, r => Assert.True(r.Success, $"{r.MessageId}: {r.Error?.Code} {r.Error?.Message}"));
        var seen = (await File.ReadAllLinesAsync(log, Ct)).ToHashSet(StringComparer.Ordinal);
        Assert.All(results, r => Assert.Contains(r.MessageId, seen));

        // Rotated in place: the same pooled connection, on a new socket per rotation (rotations that come while the
        // last one is still reconnecting share its new socket), every socket accepted with the token current then.
        Assert.Same(connection, provider.Connection());
        Assert.Equal(1, harness.Registry.PooledConnectionCount);
        var stats = await server.GetAsync(protocol == "ws" ? "/stats" : "/control/stats");
        Assert.InRange(stats.GetProperty("connections").GetInt32(), 2, 11);
        Assert.Equal(0, stats.GetProperty("rejected").GetInt32());
        var last = await provider.SendToUserAsync("u", new NotificationContent { Body = "last" }, Ct);
        Assert.True(last.Success, last.Error?.Message);
        File.Delete(log);
    }

    [Fact]
    public async Task AppsettingsReload_OfTheTokens_RotatesInPlace_During500AcknowledgedSends_FailingNothing()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "token-0", "--ack-delay", "5");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:WebSocket:mode"] = "external",
            ["Notifications:WebSocket:protocol"] = "ws",
            ["Notifications:WebSocket:url"] = server.WsUrl().ToString(),
            ["Notifications:WebSocket:authType"] = "bearer",
            ["Notifications:WebSocket:authToken"] = "token-0",
            ["Notifications:WebSocket:enableAcknowledgments"] = "true",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket"));
        await using var services = collection.BuildServiceProvider();
        var registry = services.GetRequiredService<ProviderRegistry>();
        var provider = await registry.GetProviderAsync("1", Ct);

        var sends = Task.Run(async () =>
        {
            var results = new List<SendResult>();
            for (var i = 0; i < 500; i++)
            {
                results.Add(await provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct));
            }

            return results;
        }, Ct);
        for (var rotation = 1; rotation <= 3; rotation++)
        {
            await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("received").GetInt32() >= rotation * 100, $"{rotation * 100} sends arrived");
            await server.PostAsync("/auth", new { bearer = "token-" + rotation });
            configuration["Notifications:WebSocket:authToken"] = "token-" + rotation;
            configuration.Reload();
        }

        var results = await sends.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.All(results, r => Assert.True(r.Success, $"{r.MessageId}: {r.Error?.Code} {r.Error?.Message}"));
        Assert.Equal(1, registry.PooledConnectionCount);
        var stats = await server.GetAsync("/stats");
        Assert.Equal(0, stats.GetProperty("rejected").GetInt32());
        // A socket per rotation at most, each with the token current then (two rotations close together share one).
        var connections = stats.GetProperty("connections").GetInt32();
        Assert.True(connections is >= 2 and <= 4, $"{connections} sockets, with {string.Join(", ", Tokens(stats))}");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task TwoRotationsInARow_ShareOneNewSocket_OpenedWithTheNewerCredentials(string protocol)
    {
        // Acknowledgments come late, so each rotation's pause waits for one: the second rotation looks at the socket
        // only once the first one's new socket is open. The server accepts only the newer token.
        await using var server = protocol == "ws"
            ? await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "token-0", "--ack-delay", "2500")
            : await NodePeer.StartAsync("socketio-server.mjs", "--auth-token", "token-0", "--ack-delay", "2500");
        await using var harness = ExternalHarness.Create(
            protocol == "ws" ? server.WsUrl() : server.HttpUrl(),
            """ "authType": "bearer", "authToken": "token-0", "enableAcknowledgments": true, "acknowledgmentTimeout": 10000 """,
            protocol: protocol);
        var provider = await harness.ConnectedAsync();
        var connection = provider.Connection();
        var stats = protocol == "ws" ? "/stats" : "/control/stats";
        var unanswered = provider.SendToUserAsync("u", new NotificationContent { Body = "before" }, Ct).AsTask();
        await Eventually.TrueAsync(async () => (await server.GetAsync(stats)).GetProperty("received").GetInt32() >= 1, "the send arrived");
        await server.PostAsync(protocol == "ws" ? "/auth" : "/control/auth", protocol == "ws" ? new { bearer = "token-2" } : new { token = "token-2" });

        connection.RotateCredentials(WithToken(connection.Options, "token-1"));
        connection.RotateCredentials(WithToken(connection.Options, "token-2"));
        await connection.Rotations.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var sent = await unanswered.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(sent.Success, sent.Error?.Message);
        var after = await server.GetAsync(stats);
        Assert.Equal(0, after.GetProperty("rejected").GetInt32());
        Assert.Equal(2, after.GetProperty("connections").GetInt32());
        if (protocol == "ws")
        {
            Assert.Equal<string?[]>(["Bearer token-0", "Bearer token-2"], Tokens(after));
        }
    }

    [Fact]
    public async Task ARotationWhileTheNextSocketIsOpening_TheRefusalOfTheOldTokenIsFollowedAtOnceByTheNewOne()
    {
        // The server answers upgrades late and checks the token current then: the socket opened after the first rotation
        // is refused (the second rotation came meanwhile, and the server takes only its token).
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "token-0", "--upgrade-delay", "300");
        await using var harness = ExternalHarness.Create(
            server.WsUrl(),
            """ "authType": "bearer", "authToken": "token-0", "enableAcknowledgments": true, "maxReconnectionDelay": 60000 """);
        var provider = await harness.ConnectedAsync();
        var connection = provider.Connection();

        await server.PostAsync("/auth", new { bearer = "token-1" });
        connection.RotateCredentials(WithToken(connection.Options, "token-1"));
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("upgrades").GetInt32() == 2, "the socket with token-1 is being opened");
        await server.PostAsync("/auth", new { bearer = "token-2" });
        connection.RotateCredentials(WithToken(connection.Options, "token-2"));
        var sent = await provider.SendToUserAsync("u", new NotificationContent { Body = "after" }, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.True(sent.Success, sent.Error?.Message);
        var stats = await server.GetAsync("/stats");
        Assert.Equal(1, stats.GetProperty("rejected").GetInt32());
        Assert.Equal<string?[]>(["Bearer token-0", "Bearer token-2"], Tokens(stats));
        Assert.Equal(WebSocketConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task ARotationAfterOneWhoseOldProviderWaitsOutAnOutage_IsNotHeldBehindIt()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "token-0");
        await using var harness = ExternalHarness.Create(
            server.WsUrl(),
            """ "authType": "bearer", "authToken": "token-0", "enableAcknowledgments": true, "maxReconnectionDelay": 200, "reconnectionAttempts": 1000 """);
        var provider = await harness.ConnectedAsync();
        var configuration = harness.Services.GetRequiredService<ITenantConfigurationService>();
        await server.KillAsync();
        await Eventually.TrueAsync(() => provider.Connection().State != WebSocketConnectionState.Connected, "the server is gone");

        // The first update's old provider keeps this send until the server is back: its update waits for that.
        var held = provider.SendToUserAsync("u", new NotificationContent { Body = "held" }, Ct).AsTask();
        var firstUpdate = configuration.UpdateProviderConfigAsync("1", o => o.AuthToken = "token-1", Ct).AsTask();
        await configuration.UpdateProviderConfigAsync("1", o => o.AuthToken = "token-2", Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(firstUpdate.IsCompleted);

        await server.RestartAsync("--auth-bearer", "token-2");
        var sent = await held.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await firstUpdate.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(sent.Success, sent.Error?.Message);
        var stats = await server.GetAsync("/stats");
        Assert.Equal(0, stats.GetProperty("rejected").GetInt32());
        Assert.Equal<string?[]>(["Bearer token-2"], Tokens(stats));
    }

    [Fact]
    public async Task RotatingOneOfTwoTenantsSharingAConnection_MovesItToItsOwn_WhileItsSendsInFlightFinishOnTheOld()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--ack-delay", "50");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "bearer", "authToken": "shared", "enableAcknowledgments": true """);
        var one = await harness.ConnectedAsync("1");
        var two = await harness.ConnectedAsync("2");
        var shared = one.Connection();
        Assert.Same(shared, two.Connection());

        var inFlight = Enumerable.Range(0, 200).Select(i => one.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct).AsTask()).ToList();
        await harness.Services.GetRequiredService<ITenantConfigurationService>().UpdateProviderConfigAsync("1", o => o.AuthToken = "tenant-1-only", Ct);
        var results = await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(results, r => Assert.True(r.Success, r.Error?.Message));
        Assert.NotSame(shared, one.Connection());
        Assert.Same(shared, two.Connection());
        Assert.Equal(WebSocketConnectionState.Connected, shared.State);
        Assert.Equal(2, harness.Registry.PooledConnectionCount);
        Assert.True((await one.SendToUserAsync("u", new NotificationContent { Body = "own" }, Ct)).Success);
        Assert.True((await two.SendToUserAsync("u", new NotificationContent { Body = "shared" }, Ct)).Success);
    }

    private static WebSocketProviderOptions WithToken(WebSocketProviderOptions options, string token)
    {
        var rotated = options.Clone();
        rotated.AuthToken = token;
        return rotated;
    }

    /// <summary>The Authorization header of every socket the ws server accepted, in order.</summary>
    private static string?[] Tokens(System.Text.Json.JsonElement stats) =>
        [.. stats.GetProperty("handshakes").EnumerateArray().Select(h => h.GetProperty("headers").TryGetProperty("authorization", out var a) ? a.GetString() : null)];
}
