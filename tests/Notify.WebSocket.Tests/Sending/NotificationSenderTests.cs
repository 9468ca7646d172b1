using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Sending;

public sealed class NotificationSenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_RoutesToTheRequestsTenant()
    {
        await using var services = TestServices.FromSection("""{ "supportChannelBroadcast": true }""");
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        await using var t1 = gateway.Connect("1", "ops");
        await using var t2 = gateway.Connect("2", "ops");
        t1.JoinChannel("alerts");
        t2.JoinChannel("alerts");
        var sender = services.GetRequiredService<INotificationSender>();

        // The spec's example 2: broadcast to channel, tenant 1.
        var result = await sender.SendAsync(new NotificationRequest
        {
            Recipient = new NotificationRecipient { Channel = "alerts" },
            Content = new NotificationContent { Subject = "System Maintenance", Body = "System will be down for maintenance at 2 AM", Data = new { maintenanceWindow = "2025-01-09T02:00:00Z" } },
            TenantId = "1",
            Channel = "websocket",
        }, Ct);

        Assert.True(result.Success);
        Assert.True(t1.Notifications.TryRead(out var received));
        Assert.Equal("System Maintenance", received.Subject);
        Assert.False(t2.Notifications.TryRead(out _));
    }

    [Fact]
    public async Task Send_OnAnotherChannel_IsRejected()
    {
        await using var services = TestServices.FromSection("{}");
        var sender = services.GetRequiredService<INotificationSender>();

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await sender.SendAsync(new NotificationRequest
        {
            Recipient = NotificationRecipient.ForUser("u"),
            Content = new NotificationContent(),
            TenantId = "1",
            Channel = "email",
        }, Ct));

        Assert.Contains("\"email\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InjectedProvider_IsTheDefaultTenants()
    {
        await using var services = TestServices.FromSection("{}");
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        await using var connection = gateway.Connect("default", "u");

        var result = await services.GetRequiredService<IWebSocketProvider>().SendToUserAsync("u", new NotificationContent { Body = "hello" }, Ct);

        Assert.True(result.Success);
        Assert.True(connection.Notifications.TryRead(out var received));
        Assert.Equal("hello", received.Body);
    }
}
