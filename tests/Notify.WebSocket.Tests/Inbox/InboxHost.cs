using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>A container in internal mode with the inbox on a fresh SQLite file: the in-process gateway, tenant 1's provider, the inbox.</summary>
internal sealed class InboxHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _directory;

    private InboxHost(ServiceProvider services, string directory, IWebSocketProvider provider)
    {
        _services = services;
        _directory = directory;
        Provider = provider;
    }

    public IServiceProvider Services => _services;

    public InProcessNotificationGateway Gateway => _services.GetRequiredService<InProcessNotificationGateway>();

    public IWebSocketProvider Provider { get; }

    public INotificationInbox Inbox => _services.GetRequiredService<INotificationInbox>();

    public NotificationJournal Journal => _services.GetRequiredService<NotificationJournal>();

    public string DatabasePath => Path.Combine(_directory, "inbox.db");

    public static async Task<InboxHost> StartAsync(Action<NotificationInboxOptions>? inbox = null, int connectionBuffer = 1024, bool failWhenRecipientOffline = false)
    {
        var directory = Directory.CreateTempSubdirectory("notify-inbox-").FullName;
        var services = TestServices.FromSection(
            $$"""{ "mode": "internal", "supportChannelBroadcast": true, "failWhenRecipientOffline": {{(failWhenRecipientOffline ? "true" : "false")}} }""",
            b => b.AddNotificationInbox(o =>
            {
                o.DatabasePath = Path.Combine(directory, "inbox.db");
                inbox?.Invoke(o);
            }),
            s => s.AddSingleton(Microsoft.Extensions.Options.Options.Create(new InProcessGatewayOptions { ConnectionBufferCapacity = connectionBuffer })));
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", TestContext.Current.CancellationToken);
        return new InboxHost(services, directory, provider);
    }

    /// <summary>Runs retention now (as the background service does every interval).</summary>
    public Task<long> TrimAsync() => _services.GetRequiredService<InboxRetentionService>().TrimAsync(TestContext.Current.CancellationToken);

    public async Task<SendResult> SendAsync(string userId, string subject)
    {
        var result = await Provider.SendToUserAsync(userId, new NotificationContent { Subject = subject }, TestContext.Current.CancellationToken);
        Assert.True(result.Success, result.Error?.Message);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
