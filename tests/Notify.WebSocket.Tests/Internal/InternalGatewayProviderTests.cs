using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Internal;

public sealed class InternalGatewayProviderTests
{
    private const string Section = """
        {
          "mode": "internal", "supportChannelBroadcast": true, "defaultChannels": ["system"],
          "tenants": { "2": { "defaultChannels": ["system", "tenant-two-news"] }, "nobroadcast": { "supportChannelBroadcast": false }, "strict": { "failWhenRecipientOffline": true } }
        }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<NotificationPayload> NextAsync(InProcessConnection connection)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        return await connection.Notifications.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task ChannelSend_ReachesOnlyThatTenantsMembers()
    {
        await using var services = TestServices.FromSection(Section);
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        var registry = services.GetRequiredService<ProviderRegistry>();
        await using var t1 = gateway.Connect("1", "alice");
        await using var t2 = gateway.Connect("2", "bob");
        t1.JoinChannel("alerts");
        t2.JoinChannel("alerts");

        var provider = await registry.GetProviderAsync("1", Ct);
        var result = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "Backup", Body = "done" }, Ct);

        Assert.True(result.Success);
        Assert.Equal(1, result.Metadata["deliveredConnections"]);
        var received = await NextAsync(t1);
        Assert.Equal("Backup", received.Subject);
        Assert.Equal("alerts", received.Recipient.Channel);
        Assert.Equal(result.MessageId, received.Id);
        Assert.False(t2.Notifications.TryRead(out _));
    }

    [Fact]
    public async Task UserSend_ReachesEveryDeviceOfThatUserInThatTenantOnly()
    {
        await using var services = TestServices.FromSection(Section);
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        await using var phone = gateway.Connect("1", "user-123");
        await using var laptop = gateway.Connect("1", "user-123");
        await using var sameIdOtherTenant = gateway.Connect("2", "user-123");
        await using var otherUser = gateway.Connect("1", "user-456");

        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);
        var result = await provider.SendToUserAsync("user-123", new NotificationContent { Subject = "New Message", Body = "from John", Data = new { messageId = "msg-456" } }, Ct);

        Assert.Equal(2, result.Metadata["deliveredConnections"]);
        Assert.Equal("New Message", (await NextAsync(phone)).Subject);
        Assert.Equal("New Message", (await NextAsync(laptop)).Subject);
        Assert.False(sameIdOtherTenant.Notifications.TryRead(out _));
        Assert.False(otherUser.Notifications.TryRead(out _));
        Assert.Equal(2, gateway.GetConnectionCount("1", "user-123"));
    }

    [Fact]
    public async Task BroadcastDisabled_FailsChannelSends()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("nobroadcast", Ct);

        var result = await provider.SendToChannelAsync("alerts", new NotificationContent { Body = "x" }, Ct);

        Assert.False(result.Success);
        Assert.Equal(WebSocketErrorCodes.ChannelBroadcastDisabled, result.Error!.Code);
        Assert.False(result.Error.Retryable);
    }

    [Fact]
    public async Task BroadcastDisabledByDefault_AsTheSpecDocuments()
    {
        await using var services = TestServices.FromSection("{}");
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        var result = await provider.SendToChannelAsync("alerts", new NotificationContent { Body = "x" }, Ct);

        Assert.Equal(WebSocketErrorCodes.ChannelBroadcastDisabled, result.Error!.Code);
    }

    [Fact]
    public async Task DefaultChannels_AreJoinedOnConnect_PerTenant()
    {
        await using var services = TestServices.FromSection(Section);
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        await using var t1 = gateway.Connect("1", "alice");
        await using var t2 = gateway.Connect("2", "bob");

        Assert.Equal(["system"], t1.Channels);
        Assert.Equal(["system", "tenant-two-news"], t2.Channels.Order());

        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("2", Ct);
        var result = await provider.SendToChannelAsync("tenant-two-news", new NotificationContent { Body = "hi" }, Ct);
        Assert.Equal(1, result.Metadata["deliveredConnections"]);
        Assert.Equal("hi", (await NextAsync(t2)).Body);
    }

    [Fact]
    public async Task NobodyConnected_SucceedsWithZeroConnections_ByDefault()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        var result = await provider.SendToUserAsync("ghost", new NotificationContent { Body = "x" }, Ct);

        Assert.True(result.Success);
        Assert.Equal(0, result.Metadata["deliveredConnections"]);
    }

    [Fact]
    public async Task NobodyConnected_FailsAsRecipientOffline_WhenAsked()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("strict", Ct);

        var result = await provider.SendToUserAsync("ghost", new NotificationContent { Body = "x" }, Ct);

        Assert.False(result.Success);
        Assert.Equal(WebSocketErrorCodes.RecipientOffline, result.Error!.Code);
        Assert.True(result.Error.Retryable);
    }

    [Fact]
    public async Task RecipientWithNeitherUserNorChannel_IsAnArgumentException()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        await Assert.ThrowsAsync<ArgumentException>(async () => await provider.SendAsync(new NotificationMessage(new NotificationRecipient(), new NotificationContent()), Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await provider.SendAsync(new NotificationMessage(new NotificationRecipient { UserId = "u", Channel = "c" }, new NotificationContent()), Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await provider.SendToUserAsync(" ", new NotificationContent(), Ct));
    }

    [Fact]
    public async Task Query_InInternalMode_FailsWithAClearError()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        var ex = await Assert.ThrowsAsync<WebSocketNotificationException>(async () => await provider.QueryAsync(new QueryRequest("user:info"), Ct));

        Assert.Equal(WebSocketErrorCodes.NotConfigured, ex.Code);
        Assert.Contains("not supported in internal mode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelledSend_Throws()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await provider.SendToUserAsync("u", new NotificationContent(), new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task CallerSuppliedId_IsKept()
    {
        await using var services = TestServices.FromSection(Section);
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        await using var connection = gateway.Connect("1", "u");
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        var result = await provider.SendAsync(new NotificationMessage(NotificationRecipient.ForUser("u"), new NotificationContent { Body = "x" }) { Id = "my-id" }, Ct);

        Assert.Equal("my-id", result.MessageId);
        Assert.Equal("my-id", (await NextAsync(connection)).Id);
    }

    [Fact]
    public async Task GatewayRefusal_BecomesAFailedResultWithItsCode()
    {
        await using var services = TestServices.FromSection(Section, services: s => s.AddSingleton<INotificationGateway, RefusingGateway>());
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        var refused = await provider.SendToUserAsync("u", new NotificationContent(), Ct);
        var broken = await provider.SendToChannelAsync("c", new NotificationContent(), Ct);

        Assert.Equal(WebSocketErrorCodes.RateLimited, refused.Error!.Code);
        Assert.True(refused.Error.Retryable);
        Assert.Equal(WebSocketErrorCodes.Error, broken.Error!.Code);
        Assert.Contains("backplane down", broken.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedIds_AreDistinctVersion7UuidsOfTheSendTime()
    {
        await using var services = TestServices.FromSection(Section);
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // More ids than one block of pre-fetched randomness, so the refill is crossed.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 600; i++)
        {
            var id = (await provider.SendToUserAsync("nobody", new NotificationContent(), Ct)).MessageId;
            Assert.Matches("^[0-9a-f]{32}$", id);
            var guid = Guid.ParseExact(id, "N");
            Assert.Equal(7, guid.Version);
            Assert.InRange(guid.Variant, 8, 11);
            Assert.InRange(long.Parse(id[..12], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Assert.True(ids.Add(id));
        }
    }

    /// <summary>Refuses users synchronously (as a rate limiter does) and fails channels asynchronously (as a broken backplane does).</summary>
    private sealed class RefusingGateway : INotificationGateway
    {
        public ValueTask<int> SendToUserAsync(string tenantId, string userId, NotificationPayload payload, CancellationToken cancellationToken = default) =>
            throw new WebSocketNotificationException(WebSocketErrorCodes.RateLimited, "Tenant send rate exceeded.", retryable: true);

        public async ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new IOException("backplane down");
        }
    }
}
