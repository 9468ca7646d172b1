using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Notify.WebSocket.AotSample;

/// <summary>
/// The durable inbox under Native AOT, on a host of its own (with the inbox on, every internal send is stored): sends to
/// a user who is offline are stored on SQLite, replayed in order when the user connects with the last position seen
/// (0: nothing yet), and marked read, which the connection follows with the new unread count.
/// </summary>
internal static class InboxSample
{
    private const string UserId = "aot-offline";

    /// <returns>How many checks failed.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("notify-aot-inbox-");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
            builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"))
                .AddNotificationInbox(o => o.DatabasePath = Path.Combine(folder.FullName, "inbox.db"))
                .AddSqlite();
            using var host = builder.Build();
            await host.StartAsync();
            var failures = await RunAsync(host.Services);
            await host.StopAsync();
            return failures;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<int> RunAsync(IServiceProvider services)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var provider = services.GetRequiredService<IWebSocketProvider>();
        string[] subjects = ["Invoice ready", "Invoice paid"];
        var stored = 0;
        foreach (var subject in subjects)
        {
            stored += (await provider.SendToUserAsync(UserId, new NotificationContent { Subject = subject }, timeout.Token)).Success ? 1 : 0;
        }

        var stream = NotificationStreamId.ForUser("default", UserId).ToString();
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        await using var connection = gateway.Connect("default", UserId, new Dictionary<string, long> { [stream] = 0 });
        var replay = await connection.Replays.ReadAsync(timeout.Token);
        var replayed = new List<NotificationPayload>();
        while (replayed.Count < replay.Count && connection.Notifications.TryRead(out var notification))
        {
            replayed.Add(notification);
        }

        var inbox = services.GetRequiredService<INotificationInbox>();
        await inbox.MarkReadAsync("default", UserId, [replayed[0].Id], timeout.Token);
        var change = await connection.InboxChanges.ReadAsync(timeout.Token);

        var inOrder = replayed.Select(n => n.Subject).SequenceEqual(subjects) && replayed.Select(n => n.Position).SequenceEqual([1L, 2L]);
        Console.WriteLine($"inbox: stored={stored} replayed={replayed.Count} in order={inOrder} read change={change.Kind} unread={change.UnreadCount}");
        return stored == subjects.Length && inOrder && change is { Kind: InboxChangeKind.Read, UnreadCount: 1 } ? 0 : 1;
    }
}
