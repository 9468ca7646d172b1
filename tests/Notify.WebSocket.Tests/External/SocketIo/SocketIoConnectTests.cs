using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.SocketIo;

public sealed class SocketIoConnectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExternalHarness Harness(NodePeer server, string extra = "", string path = "") =>
        ExternalHarness.Create(server.HttpUrl(path), extra, protocol: "socketio");

    [Theory]
    [InlineData("""["websocket", "polling"]""", "websocket")]
    [InlineData("""["websocket"]""", "websocket")]
    [InlineData("""["polling"]""", "polling")]
    public async Task EachTransportSetting_ConnectsSendsGetsAcksAndAnswersQueries(string transports, string expectedTransport)
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, $""" "transports": {transports}, "enableAcknowledgments": true, "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct).AsTask()));
        var answer = await provider.QueryAsync(new QueryRequest("user:info", new { userId = "q-" + expectedTransport }) { Timeout = TimeSpan.FromSeconds(10) }, Ct);

        Assert.All(results, r => Assert.True(r.Success, r.Error?.Message));
        Assert.Equal("q-" + expectedTransport, answer.GetProperty("echo").GetProperty("userId").GetString());
        var stats = await server.GetAsync("/control/stats");
        Assert.Equal(expectedTransport, stats.GetProperty("handshakes")[0].GetProperty("transport").GetString());
        Assert.Equal(21, stats.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task PathInTheUrl_SelectsTheNamespace()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = Harness(server, path: "/admin");
        var provider = await harness.ConnectedAsync();

        Assert.True((await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Success);

        await Eventually.TrueAsync(async () => (await server.GetAsync("/control/stats")).GetProperty("messages").GetArrayLength() == 1, "the message arrived");
        var stats = await server.GetAsync("/control/stats");
        Assert.Equal("/admin", stats.GetProperty("handshakes")[0].GetProperty("nsp").GetString());
        Assert.Equal("/admin", stats.GetProperty("messages")[0].GetProperty("nsp").GetString());
    }

    [Fact]
    public async Task Bearer_IsSentAsHeaderAndAsTheAuthPayloadToken()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--auth-token", "tok-1");
        await using var harness = Harness(server, """ "authType": "bearer", "authToken": "tok-1" """);

        await harness.ConnectedAsync();

        var handshake = (await server.GetAsync("/control/stats")).GetProperty("handshakes")[0];
        Assert.Equal("tok-1", handshake.GetProperty("auth").GetProperty("token").GetString());
        Assert.Equal("Bearer tok-1", handshake.GetProperty("headers").GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task CustomHeadersAndQuery_ReachTheHandshake()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var custom = Harness(server, """ "authType": "custom", "authHeaders": { "X-API-Key": "k-9" } """);
        await custom.ConnectedAsync();
        await using var query = ExternalHarness.Create(new Uri(server.HttpUrl() + "?v=2"), """ "authType": "query", "authQuery": { "api_key": "a b&c" } """, protocol: "socketio");
        await query.ConnectedAsync();

        var handshakes = (await server.GetAsync("/control/stats")).GetProperty("handshakes");
        Assert.Equal("k-9", handshakes[0].GetProperty("headers").GetProperty("x-api-key").GetString());
        Assert.Equal("a b&c", handshakes[1].GetProperty("query").GetProperty("api_key").GetString());
        Assert.Equal("2", handshakes[1].GetProperty("query").GetProperty("v").GetString());
    }

    [Fact]
    public async Task RejectedHandshake_IsAnAuthErrorAtOnce_WithoutRetriesBeforeMaxReconnectionDelay()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--auth-token", "right");
        await using var harness = Harness(server, """ "authType": "bearer", "authToken": "wrong", "timeout": 20000, "maxReconnectionDelay": 60000 """);
        var provider = await harness.ProviderAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var validation = await provider.ValidateAsync(Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(WebSocketErrorCodes.AuthError, validation.Error!.Code);
        Assert.Contains("unauthorized", validation.Error.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketConnectionState.Failed, provider.State);
        Assert.Equal(WebSocketErrorCodes.AuthError, (await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Error!.Code);
        Assert.Equal(1, (await server.GetAsync("/control/stats")).GetProperty("rejected").GetInt32());
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("wrong", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("polling", "WebSocket error: 403 Forbidden")]
    [InlineData("websocket", "WebSocket error: 401 Unauthorized")]
    public async Task CredentialsRefusedOverHttp_AreAnAuthErrorAtOnce_NotRetriedBeforeMaxReconnectionDelay(string transport, string message)
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--http-auth", "right");
        await using var refused = Harness(server, $$""" "authType": "bearer", "authToken": "wrong", "transports": ["{{transport}}"], "timeout": 20000, "maxReconnectionDelay": 60000 """);
        var provider = await refused.ProviderAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var validation = await provider.ValidateAsync(Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(WebSocketErrorCodes.AuthError, validation.Error!.Code);
        Assert.Equal(message, validation.Error.Message);
        Assert.Equal(WebSocketErrorCodes.AuthError, (await provider.SendToUserAsync("u", new NotificationContent(), Ct)).Error!.Code);
        Assert.Equal(1, (await server.GetAsync("/control/stats")).GetProperty("rejected").GetInt32());
        Assert.DoesNotContain(refused.Logs.Lines, l => l.Contains("wrong", StringComparison.Ordinal));

        // The header reaches the handshake of either transport: the right token is let in.
        await using var accepted = Harness(server, $$""" "authType": "bearer", "authToken": "right", "transports": ["{{transport}}"] """);
        Assert.True((await (await accepted.ConnectedAsync()).SendToUserAsync("u", new NotificationContent(), Ct)).Success);
    }

    [Fact]
    public async Task UnknownNamespace_IsAConnectionErrorNamingTheUrlPath_NotAnAuthError()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs");
        await using var harness = ExternalHarness.Create(new Uri(server.HttpUrl(), "/no-such-namespace"), """ "timeout": 20000, "maxReconnectionDelay": 60000 """, protocol: "socketio");
        var provider = await harness.ProviderAsync();

        var validation = await provider.ValidateAsync(Ct);

        Assert.Equal(WebSocketErrorCodes.ConnectionError, validation.Error!.Code);
        Assert.Contains("no such namespace", validation.Error.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketConnectionState.Failed, provider.State);
    }

    [Fact]
    public async Task UnreachableServer_FailsAfterTheAttempts()
    {
        var port = System.Net.Sockets.TcpListener.Create(0) is var probe ? Bind(probe) : 0;
        await using var harness = ExternalHarness.Create(new Uri($"http://127.0.0.1:{port}"), """ "reconnectionAttempts": 2, "reconnectionDelay": 10, "maxReconnectionDelay": 20 """, protocol: "socketio");
        var provider = await harness.ProviderAsync();

        var validation = await provider.ValidateAsync(Ct);

        Assert.False(validation.IsValid);
        Assert.Equal("Max reconnection attempts (2) reached", validation.Error!.Message);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Max reconnection attempts (2) reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compression_NegotiatesPermessageDeflateOnTheWebsocketTransport()
    {
        await using var server = await NodePeer.StartAsync("socketio-server.mjs", "--compress");
        await using var harness = Harness(server, """ "enableCompression": true, "transports": ["websocket"] """);
        var provider = await harness.ConnectedAsync();

        Assert.True((await provider.SendToUserAsync("u", new NotificationContent { Body = new string('z', 5000) }, Ct)).Success);

        var handshake = (await server.GetAsync("/control/stats")).GetProperty("handshakes")[0];
        Assert.Contains("permessage-deflate", handshake.GetProperty("headers").GetProperty("sec-websocket-extensions").GetString(), StringComparison.Ordinal);
        Assert.Contains("permessage-deflate", handshake.GetProperty("negotiated").EnumerateArray().Select(e => e.GetString()));
    }

    private static int Bind(System.Net.Sockets.TcpListener listener)
    {
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
