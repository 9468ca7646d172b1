using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Internal mode through the SignalR gateway: a channel broadcast to 200 connected SignalR .NET clients, through the
/// provider vs <c>IHubContext.Clients.Group(...).SendAsync</c> directly, on the same Kestrel host. A round sends a
/// batch, one at a time, and ends when every client received every message, so delivery is what is timed.
/// </summary>
internal sealed class SignalRBroadcastScenario : Scenario
{
    private const int Clients = 200;
    private const int MessagesPerRound = 100;
    private const string Channel = "bench";
    private const string Group = "t:1:channel:bench"; // the gateway's group of tenant 1's channel "bench" (DESIGN.md)

    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "channel broadcast" };

    private HarnessSignalRHost? _host;
    private BroadcastClients? _clients;
    private IHubContext<NotificationHub> _hub = null!;

    public override string Name => $"internal, channel broadcast deliveries/s to {Clients} SignalR clients";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _host = await HarnessSignalRHost.StartAsync([Channel], configure: null, cancellationToken).ConfigureAwait(false);
        _clients = await BroadcastClients.ConnectAsync(_host.HubUrl, Clients, Channel, cancellationToken).ConfigureAwait(false);
        _hub = _host.Services.GetRequiredService<IHubContext<NotificationHub>>();
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        _clients!.RoundsAsync(duration, MessagesPerRound, concurrency: 1, ct => BroadcastOrThrowAsync(_host!.Provider, Channel, Content, ct), cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        _clients!.RoundsAsync(duration, MessagesPerRound, concurrency: 1, ct =>
        {
            var payload = NotificationPayload.Create(Guid.NewGuid().ToString("N"), NotificationRecipient.ForChannel(Channel), Content, DateTimeOffset.UtcNow);
            return _hub.Clients.Group(Group).SendAsync("notification:new", payload, ct);
        }, cancellationToken);

    public override async Task TearDownAsync()
    {
        if (_clients is not null)
        {
            await _clients.DisposeAsync().ConfigureAwait(false);
        }

        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
