using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// The notification inbox's throughput on the in-process gateway: user sends/s through the provider with the store on
/// (SQLite, durable: a send returns once its group commit is synced) vs the same container with the store off, with
/// <see cref="Senders"/> sends in flight to <see cref="Users"/> connected users whose connections are read as they
/// fill. Two containers in one process, alternating runs.
/// </summary>
internal sealed class InboxUserSendsScenario : Scenario
{
    private const int Users = 1_000;
    private const int Senders = 512;

    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "user send" };

    private readonly InboxDatabase _database = new();
    private readonly List<InProcessConnection> _connections = [];
    private readonly List<Task> _readers = [];
    private ServiceProvider? _storedServices;
    private ServiceProvider? _plainServices;
    private IWebSocketProvider _stored = null!;
    private IWebSocketProvider _plain = null!;
    private long _next;

    public override string Name => $"inbox, user sends/s through the in-process gateway, {Senders} in flight to {Users:N0} connected users: store on (SQLite, durable) vs off";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        (_storedServices, _stored) = await StartAsync(b => _database.AddTo(b), cancellationToken).ConfigureAwait(false);
        (_plainServices, _plain) = await StartAsync(configure: null, cancellationToken).ConfigureAwait(false);
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(Senders, duration, ct => SendAsync(_stored, ct), recordLatency: false, cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(Senders, duration, ct => SendAsync(_plain, ct), recordLatency: false, cancellationToken);

    public override async Task TearDownAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_readers).ConfigureAwait(false);
        foreach (var services in new[] { _storedServices, _plainServices })
        {
            if (services is not null)
            {
                await services.DisposeAsync().ConfigureAwait(false);
            }
        }

        _database.Delete();
    }

    private async Task SendAsync(IWebSocketProvider provider, CancellationToken cancellationToken)
    {
        var user = "user" + (Interlocked.Increment(ref _next) % Users);
        var result = await provider.SendToUserAsync(user, Content, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }

    private async Task<(ServiceProvider, IWebSocketProvider)> StartAsync(Action<IWebSocketNotificationsBuilder>? configure, CancellationToken cancellationToken)
    {
        var collection = new ServiceCollection();
        var builder = collection.AddWebSocketNotifications(_ => { });
        configure?.Invoke(builder);
        var services = collection.BuildServiceProvider();
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        for (var i = 0; i < Users; i++)
        {
            var connection = gateway.Connect(HarnessSignalRHost.Tenant, "user" + i);
            _connections.Add(connection);
            _readers.Add(DrainAsync(connection));
        }

        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync(HarnessSignalRHost.Tenant, cancellationToken).ConfigureAwait(false);
        return (services, provider);
    }

    private static async Task DrainAsync(InProcessConnection connection)
    {
        await foreach (var _ in connection.Notifications.ReadAllAsync().ConfigureAwait(false))
        {
        }
    }
}
