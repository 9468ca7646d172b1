using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Registry;

/// <summary>A provider from the registry stays the tenant's provider for the life of the host, across configuration changes and releases.</summary>
public sealed class TenantProviderHandleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProviderObtainedBeforeAConfigurationChange_KeepsSending_WithTheNewConfiguration()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "defaultChannels": ["before"] """);
        var provider = await harness.ConnectedAsync();
        var configuration = harness.Services.GetRequiredService<ITenantConfigurationService>();

        // Sends race with ten configuration changes: none throws, and every one after the last change goes out.
        var sends = Enumerable.Range(0, 200).Select(async i =>
        {
            await Task.Yield();
            return await provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct);
        }).ToList();
        for (var change = 0; change < 10; change++)
        {
            var channel = "after-" + change;
            await configuration.UpdateProviderConfigAsync("1", o => o.DefaultChannels = [channel], Ct);
        }

        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var result = await provider.SendToUserAsync("u", new NotificationContent { Body = "after" }, Ct);

        Assert.True(result.Success, result.Error?.Message);
        await Eventually.TrueAsync(
            async () => (await server.GetAsync("/stats")).GetProperty("rooms").EnumerateArray().Any(r => r.GetProperty("event").GetString() == "join_room" && r.GetProperty("room").GetString() == "after-9"),
            "the provider behind the handle has the last configuration");
        await Eventually.TrueAsync(
            async () => (await server.GetAsync("/stats")).GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("data").TryGetProperty("body", out var body) && body.GetString() == "after"),
            "the send after the changes arrived");
    }

    [Fact]
    public async Task ReleaseProviderAsync_ClosesTheConnection_AndTheSameProviderReconnectsOnItsNextUse()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());
        var provider = await harness.ConnectedAsync();
        var inner = provider.Inner();

        await harness.Registry.ReleaseProviderAsync("1", cancellationToken: Ct);

        Assert.Equal(0, harness.Registry.PooledConnectionCount);
        Assert.Equal(WebSocketConnectionState.Disposed, inner.State);
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("open").GetInt32() == 0, "the server saw the connection close");
        var result = await provider.SendToUserAsync("u", new NotificationContent { Body = "again" }, Ct);
        Assert.True(result.Success, result.Error?.Message);
        Assert.NotSame(inner, provider.Inner());
        Assert.Equal(2, (await server.GetAsync("/stats")).GetProperty("connections").GetInt32());
    }

    [Fact]
    public async Task ReceiveAsync_IsLiveWhenItReturns_SoNothingBeforeTheFirstReadIsMissed()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableReceiving": true, "subscribeToEvents": ["status:update"] """);
        var provider = await harness.ConnectedAsync();

        var unread = provider.ReceiveAsync(Ct);
        await using var witness = provider.ReceiveAsync(Ct).GetAsyncEnumerator(Ct);
        var witnessed = witness.MoveNextAsync().AsTask();
        await server.PostAsync("/push", new { frames = new[] { new { @event = "status:update", data = new { n = 1 } } } });
        Assert.True(await witnessed.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        // The message was published before the first stream was ever read: it is there all the same.
        await using var stream = unread.GetAsyncEnumerator(Ct);
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(1, stream.Current.Data.GetProperty("n").GetInt32());
    }
}
