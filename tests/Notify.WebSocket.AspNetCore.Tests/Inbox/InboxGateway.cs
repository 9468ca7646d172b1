using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>The test gateway server with the inbox on a SQLite file, and clients that connect with positions.</summary>
internal static class InboxGateway
{
    public static Task<GatewayServer> StartAsync(
        string databasePath,
        Action<IWebSocketNotificationsBuilder>? notifications = null,
        Action<SignalRGatewayOptions>? gateway = null,
        Action<SocketIoGatewayOptions>? socketIo = null,
        Action<IServiceCollection>? services = null) =>
        GatewayServer.StartAsync(
            gateway: gateway,
            services: services,
            socketIo: socketIo,
            notifications: b =>
            {
                b.AddNotificationInbox(o => o.DatabasePath = databasePath).AddSqlite();
                notifications?.Invoke(b);
            },
            map: app =>
            {
                app.MapNotificationInbox();
                return app.MapNotificationGateway("/notifications");
            });

    /// <summary>Connects with <c>?positions=</c> and waits until the server set the connection up.</summary>
    public static async Task<GatewayClient> ConnectAsync(this GatewayServer server, string userId, string tenantId, IReadOnlyDictionary<string, long> positions)
    {
        var url = new Uri(server.HubUrl + "?positions=" + Uri.EscapeDataString(JsonSerializer.Serialize(positions)));
        var client = await GatewayClient.ConnectAsync(url, TestTokens.For(userId, tenantId));
        await client.ReadyAsync();
        return client;
    }

    public static async Task<SendResult> SendToUserAsync(this GatewayServer server, string userId, string subject, string tenantId = "1")
    {
        var result = await (await server.ProviderAsync(tenantId)).SendToUserAsync(userId, new NotificationContent { Subject = subject });
        Assert.True(result.Success, result.Error?.Message);
        return result;
    }

    public static INotificationInbox Inbox(this GatewayServer server) => server.Services.GetRequiredService<INotificationInbox>();

    /// <summary>
    /// Waits until the server's inbox backplane has subscribed to the other instances. Redis can take the subscription
    /// after the host has started, and then every user connected at that moment gets an <c>inbox:updated</c> refresh:
    /// tests that count inbox changes connect their clients after this.
    /// </summary>
    public static Task BackplaneSubscribedAsync(this GatewayServer server) =>
        Notify.WebSocket.Testing.Eventually.TrueAsync(
            () => server.Services.GetRequiredService<Notify.WebSocket.AspNetCore.Inbox.GatewayInboxSlot>().Inbox?.Backplane?.IsSubscribed == true,
            "the inbox backplane subscribed");

    /// <summary>The next <c>count</c> notifications' positions.</summary>
    public static async Task<long[]> PositionsAsync(this GatewayClient client, int count)
    {
        var positions = new long[count];
        for (var i = 0; i < count; i++)
        {
            positions[i] = (await client.NextAsync("notification:new")).GetProperty("position").GetInt64();
        }

        return positions;
    }
}
