using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

/// <summary>A connection ends when its token expires, with the error event first; SignalR's connection and hub options reach the hub.</summary>
public sealed class AuthenticationExpiryTests
{
    [Fact]
    public async Task TokenExpiry_SendsTokenExpiredError_ThenClosesTheConnection_AndTheUserNoLongerReceives()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatewayServer.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var expires = clock.GetUtcNow().UtcDateTime.AddMinutes(1);
        await using var client = await GatewayClient.ConnectAsync(server.HubUrl, TestTokens.For("alice", "1", expires: expires));
        await client.ReadyAsync();
        var provider = await server.ProviderAsync("1");

        clock.Advance(TimeSpan.FromSeconds(58));
        var before = await provider.SendToUserAsync("alice", new NotificationContent { Subject = "still valid" });
        await client.NotificationAsync("still valid");
        clock.Advance(TimeSpan.FromSeconds(3));
        await client.ClosedTask.Task.WaitAsync(GatewayClient.Timeout);
        var receivedAtClose = client.Received();
        var after = await Eventually.UntilAsync(
            () => provider.SendToUserAsync("alice", new NotificationContent { Subject = "after expiry" }).AsTask(),
            r => (int)r.Metadata["deliveredConnections"]! == 0);

        Assert.Equal(1, before.Metadata["deliveredConnections"]);
        var error = Assert.Single(receivedAtClose, e => e.Event == "error").Body;
        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        Assert.Equal("token expired", error.GetProperty("message").GetString());
        Assert.Equal(0, after.Metadata["deliveredConnections"]);
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }

    [Fact]
    public async Task TokenExpiry_WithTheJavaScriptClient_ErrorArrivesBeforeTheClose()
    {
        // The gateway's clock, not the wall clock, passes the expiry: a Node client slow to start on a loaded machine
        // cannot find its token already expired.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatewayServer.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var token = TestTokens.For("alice", "1", expires: clock.GetUtcNow().UtcDateTime.AddMinutes(1));
        await using var client = await NodeSignalRClient.StartAsync(server.HubUrl, token);
        Assert.True(client.Started);
        await client.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "system");

        clock.Advance(TimeSpan.FromMinutes(2));
        var error = await client.EventAsync("error");
        await client.ClosedAsync();
        var types = client.Lines().Select(l => l.GetProperty("type").GetString() + ":" + (l.TryGetProperty("name", out var n) ? n.GetString() : "")).ToList();

        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        Assert.Equal("token expired", error.GetProperty("message").GetString());
        Assert.True(types.IndexOf("event:error") < types.IndexOf("closed:"), string.Join(", ", types));
    }

    [Fact]
    public async Task TokenExpiry_WhenTurnedOff_KeepsTheConnection()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatewayServer.StartAsync(
            gateway: o => o.CloseOnAuthenticationExpiration = false,
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        await using var client = await GatewayClient.ConnectAsync(server.HubUrl, TestTokens.For("alice", "1", expires: clock.GetUtcNow().UtcDateTime.AddMinutes(1)));
        await client.ReadyAsync();

        clock.Advance(TimeSpan.FromMinutes(5));
        await client.JoinedAsync("public.later");
        await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "kept" });
        await client.NotificationAsync("kept");

        Assert.DoesNotContain(client.Received(), e => e.Event == "error");
    }

    [Fact]
    public async Task MapNotificationGateway_AppliesConnectionOptions()
    {
        await using var server = await GatewayServer.StartAsync(map: app => app.MapNotificationGateway("/notifications", o => o.Transports = HttpTransportType.LongPolling));
        var token = TestTokens.For("alice", "1");
        await using var webSockets = GatewayClient.Build(server.HubUrl, token, skipNegotiation: false);
        await using var longPolling = await NodeSignalRClient.StartAsync(server.HubUrl, token, transport: "longpolling");

        await Assert.ThrowsAnyAsync<Exception>(() => webSockets.StartAsync().WaitAsync(GatewayClient.Timeout));
        Assert.True(longPolling.Started);
        await longPolling.EventAsync("channel:joined");
    }

    [Fact]
    public async Task ConfigureNotificationHub_AppliesHubOptions()
    {
        await using var server = await GatewayServer.StartAsync(notifications: b => b.ConfigureNotificationHub(o => o.MaximumReceiveMessageSize = 512));
        await using var client = await server.ConnectAsync("alice", "1");
        await client.JoinedAsync("public.small");

        await client.JoinAsync("public." + new string('x', 2_000)).ContinueWith(_ => { }, TaskScheduler.Default);
        var closed = await client.ClosedTask.Task.WaitAsync(GatewayClient.Timeout);

        Assert.NotNull(closed);
    }
}
