namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// The notification inbox's cost on the SignalR gateway: a channel broadcast to 200 connected SignalR .NET clients
/// through the provider, with the store on (SQLite, durable: each send returns once its commit is synced) vs the same
/// host with the store off. Two hosts in one process, 200 clients each, alternating runs; a round sends
/// <c>perRound</c> broadcasts with <c>senders</c> in flight and ends when every client received every one. Each round
/// starts empty, so a durable send's latency (its commit comes before its first delivery) is paid once per round: short
/// rounds show that latency, long ones the throughput of continuous sending.
/// </summary>
internal sealed class InboxBroadcastScenario(int senders, int perRound = 100) : Scenario
{
    private const int Clients = 200;
    private const string Channel = "bench";

    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "channel broadcast" };

    private readonly InboxDatabase _database = new();
    private HarnessSignalRHost? _stored;
    private HarnessSignalRHost? _plain;
    private BroadcastClients? _storedClients;
    private BroadcastClients? _plainClients;

    public override string Name => $"inbox, channel broadcast deliveries/s to {Clients} SignalR clients, {senders} sender(s), rounds of {perRound:#,0}: store on (SQLite, durable) vs off";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _stored = await HarnessSignalRHost.StartAsync([Channel], b => _database.AddTo(b), cancellationToken).ConfigureAwait(false);
        _plain = await HarnessSignalRHost.StartAsync([Channel], configure: null, cancellationToken).ConfigureAwait(false);
        _storedClients = await BroadcastClients.ConnectAsync(_stored.HubUrl, Clients, Channel, cancellationToken).ConfigureAwait(false);
        _plainClients = await BroadcastClients.ConnectAsync(_plain.HubUrl, Clients, Channel, cancellationToken).ConfigureAwait(false);
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        _storedClients!.RoundsAsync(duration, perRound, senders, ct => BroadcastOrThrowAsync(_stored!.Provider, Channel, Content, ct), cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        _plainClients!.RoundsAsync(duration, perRound, senders, ct => BroadcastOrThrowAsync(_plain!.Provider, Channel, Content, ct), cancellationToken);

    public override async Task TearDownAsync()
    {
        foreach (var clients in new[] { _storedClients, _plainClients })
        {
            if (clients is not null)
            {
                await clients.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (var host in new[] { _stored, _plain })
        {
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
        }

        _database.Delete();
    }
}
