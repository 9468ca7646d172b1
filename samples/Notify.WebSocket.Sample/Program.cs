// A Generic Host that pushes notifications in internal mode through the in-process gateway:
// two clients in two tenants join the same channel name, then a user notification and a channel
// broadcast are sent for tenant 1. Only tenant 1's client receives them.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notify.WebSocket;

// appsettings.json is read from the output folder, so the sample runs the same from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"));
using var host = builder.Build();
await host.StartAsync();

var gateway = host.Services.GetRequiredService<InProcessNotificationGateway>();
var sender = host.Services.GetRequiredService<INotificationSender>();

await using var alice = gateway.Connect(tenantId: "1", userId: "alice");
await using var bob = gateway.Connect(tenantId: "2", userId: "bob");
alice.JoinChannel("alerts");
bob.JoinChannel("alerts");
Console.WriteLine($"alice (tenant 1) joined: {string.Join(", ", alice.Channels.Order())}");
Console.WriteLine($"bob   (tenant 2) joined: {string.Join(", ", bob.Channels.Order())}");

var toUser = await sender.SendAsync(new NotificationRequest
{
    TenantId = "1",
    Recipient = NotificationRecipient.ForUser("alice"),
    Content = new NotificationContent { Subject = "New Message", Body = "You have a new message from John", Data = new { messageId = "msg-456", from = "John Doe" } },
});
Console.WriteLine($"user notification: success={toUser.Success} id={toUser.MessageId} connections={toUser.Metadata.GetValueOrDefault("deliveredConnections")} error={toUser.Error?.Code}");

var provider = await host.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1");
var broadcast = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "System Maintenance", Body = "System will be down for maintenance at 2 AM" });
Console.WriteLine($"channel broadcast: success={broadcast.Success} id={broadcast.MessageId} connections={broadcast.Metadata.GetValueOrDefault("deliveredConnections")} error={broadcast.Error?.Code}");

var aliceReceived = Print("alice", alice);
var bobReceived = Print("bob", bob);

await host.StopAsync();

// Tenant isolation: alice (tenant 1) gets both, bob (tenant 2, same channel name) gets neither.
return aliceReceived == 2 && bobReceived == 0 ? 0 : 1;

static int Print(string name, InProcessConnection connection)
{
    var count = 0;
    while (connection.Notifications.TryRead(out var n))
    {
        count++;
        var target = n.Recipient.Channel is { } channel ? "channel " + channel : "user " + n.Recipient.UserId;
        Console.WriteLine($"{name} received [{target}] {n.Subject}: {n.Body}");
    }

    Console.WriteLine($"{name} received {count} notification(s) in total");
    return count;
}
