using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

public sealed class ConnectAndAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Handshake(JsonElement stats) => stats.GetProperty("handshakes")[0];

    [Fact]
    public async Task ValidateAsync_ReallyConnects()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());

        var provider = await harness.ConnectedAsync();

        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
        Assert.Equal(1, (await server.GetAsync("/stats")).GetProperty("connections").GetInt32());
    }

    [Fact]
    public async Task HttpUrl_IsMappedToWs()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.HttpUrl("/ws"));

        await harness.ConnectedAsync();

        Assert.Equal("/ws", Handshake(await server.GetAsync("/stats")).GetProperty("url").GetString());
    }

    [Fact]
    public async Task Connect_ThatNeverCompletes_TimesOutWithTheSpecMessage()
    {
        // A TCP listener that accepts and never answers the upgrade.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync(Ct).AsTask();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = ExternalHarness.Create(new Uri($"ws://127.0.0.1:{port}/ws"), """ "timeout": 20000, "reconnection": false """, clock);

        var provider = await harness.ProviderAsync();
        var validation = provider.ValidateAsync(Ct).AsTask();
        using var client = await accepted;
        clock.Advance(TimeSpan.FromSeconds(21));
        var result = await validation.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.False(result.IsValid);
        Assert.Equal(WebSocketErrorCodes.Timeout, result.Error!.Code);
        Assert.Equal("WebSocket validation failed: Connection timeout", result.Error.Message);
    }

    [Fact]
    public async Task Bearer_IsSentAsTheAuthorizationHeader()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "tok-123");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "bearer", "authToken": "tok-123" """);

        await harness.ConnectedAsync();

        Assert.Equal("Bearer tok-123", Handshake(await server.GetAsync("/stats")).GetProperty("headers").GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task Basic_IsSentAsTheAuthorizationHeader()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "basic", "username": "api_user", "password": "api_password" """);

        await harness.ConnectedAsync();

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api_user:api_password"));
        Assert.Equal(expected, Handshake(await server.GetAsync("/stats")).GetProperty("headers").GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task CustomHeaders_AreSentAsGiven()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "custom", "authHeaders": { "X-API-Key": "k-1", "X-Client-ID": "notification-system" } """);

        await harness.ConnectedAsync();

        var headers = Handshake(await server.GetAsync("/stats")).GetProperty("headers");
        Assert.Equal("k-1", headers.GetProperty("x-api-key").GetString());
        Assert.Equal("notification-system", headers.GetProperty("x-client-id").GetString());
    }

    [Fact]
    public async Task Query_IsAppendedEncodedAndMergedWithTheUrlsQuery()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-query", "api_key=a b&c");
        await using var harness = ExternalHarness.Create(
            new Uri(server.WsUrl() + "?v=2"),
            """ "authType": "query", "authQuery": { "api_key": "a b&c", "client_id": "notification-system" } """);

        await harness.ConnectedAsync();

        Assert.Equal("/ws?v=2&api_key=a%20b%26c&client_id=notification-system", Handshake(await server.GetAsync("/stats")).GetProperty("url").GetString());
    }

    [Fact]
    public async Task RejectedUpgrade_IsAnAuthError_AndIsNotRetriedBeforeMaxReconnectionDelay()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "right");

        // No backoff attempts after a refusal; the next attempt is due a minute later (RecoveryTests cover that one).
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "authType": "bearer", "authToken": "wrong", "maxReconnectionDelay": 60000 """);
        var provider = await harness.ProviderAsync();

        var validation = await provider.ValidateAsync(Ct);
        var send = await provider.SendToUserAsync("u", new NotificationContent { Body = "x" }, Ct);

        Assert.Equal(WebSocketErrorCodes.AuthError, validation.Error!.Code);
        Assert.Equal("WebSocket error: 401 Unauthorized", validation.Error.Message);
        Assert.Equal(WebSocketConnectionState.Failed, provider.State);
        Assert.Equal(WebSocketErrorCodes.AuthError, send.Error!.Code);
        Assert.Equal(1, (await server.GetAsync("/stats")).GetProperty("upgrades").GetInt32());
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compression_NegotiatesPermessageDeflate()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableCompression": true """);
        var provider = await harness.ConnectedAsync();

        var result = await provider.SendToUserAsync("u", new NotificationContent { Body = new string('z', 4000) }, Ct);

        Assert.True(result.Success);
        var handshake = Handshake(await server.GetAsync("/stats"));
        Assert.Contains("permessage-deflate", handshake.GetProperty("headers").GetProperty("sec-websocket-extensions").GetString(), StringComparison.Ordinal);
        Assert.Contains("permessage-deflate", handshake.GetProperty("negotiated").EnumerateArray().Select(e => e.GetString()));
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 1, "the compressed message arrived");
    }

    [Fact]
    public async Task WithoutCompression_NoExtensionIsOffered()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());

        await harness.ConnectedAsync();

        Assert.Empty(Handshake(await server.GetAsync("/stats")).GetProperty("negotiated").EnumerateArray());
    }
}
