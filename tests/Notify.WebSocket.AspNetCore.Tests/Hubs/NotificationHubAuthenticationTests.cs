using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

public sealed class NotificationHubAuthenticationTests
{
    [Fact]
    public async Task Connect_WithoutToken_IsRefusedWith401()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var connection = GatewayClient.Build(server.HubUrl, token: null, skipNegotiation: false);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().WaitAsync(GatewayClient.Timeout));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task Connect_WithTokenSignedByAnotherKey_IsRefusedWith401()
    {
        await using var server = await GatewayServer.StartAsync();
        var forged = TestTokens.For("alice", "1", TestTokens.NewKey());
        await using var connection = GatewayClient.Build(server.HubUrl, forged, skipNegotiation: false);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().WaitAsync(GatewayClient.Timeout));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task Connect_WithTokenWithoutTenantClaim_GetsErrorAndIsClosed()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await GatewayClient.ConnectAsync(server.HubUrl, TestTokens.For("alice", tenantId: null));

        var error = await client.NextAsync("error");
        await client.ClosedTask.Task.WaitAsync(GatewayClient.Timeout);

        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }

    [Fact]
    public async Task Connect_WithCustomClaimNames_ReadsUserAndTenantFromThem()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o =>
        {
            o.UserIdClaimTypes = ["tenant_id"];
            o.TenantIdClaimType = "sub";
        });

        // With the claim names swapped, token ("7", "bob") is user "bob" of tenant "7".
        await using var client = await server.ConnectAsync(userId: "7", tenantId: "bob");
        await client.NextAsync("channel:joined");
        var provider = await server.ProviderAsync("7");

        var result = await provider.SendToUserAsync("bob", new NotificationContent { Subject = "swapped" });

        Assert.True(result.Success, result.Error?.Message);
        await client.NotificationAsync("swapped");
    }

    [Fact]
    public async Task Connect_Anonymous_WhenAllowed_JoinsAnonymousTenantAndMayJoinPermittedChannels()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o =>
        {
            o.AllowAnonymous = true;
            o.AnonymousTenantId = "public";
        });
        await using var client = await GatewayClient.ConnectAsync(server.HubUrl, token: null);
        await client.JoinedAsync("public.news");
        var provider = await server.ProviderAsync("public");

        var result = await provider.SendToChannelAsync("public.news", new NotificationContent { Subject = "hello anonymous" });

        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal(1, result.Metadata["deliveredConnections"]);
        await client.NotificationAsync("hello anonymous");
    }
}
