using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Internal mode through the SignalR gateway: a channel broadcast to 200 connected SignalR .NET clients, through the
/// provider vs <c>IHubContext.Clients.Group(...).SendAsync</c> directly, on the same Kestrel host. A round sends a
/// batch and ends when every client received every message, so delivery is what is timed.
/// </summary>
internal sealed class SignalRBroadcastScenario : Scenario
{
    private const int Clients = 200;
    private const int MessagesPerRound = 100;
    private const string Tenant = "1";
    private const string Channel = "bench";
    private const string Group = "t:1:channel:bench"; // the gateway's group of tenant 1's channel "bench" (DESIGN.md)

    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "channel broadcast" };

    private readonly List<HubConnection> _connections = [];
    private WebApplication? _app;
    private IWebSocketProvider _provider = null!;
    private IHubContext<NotificationHub> _hub = null!;
    private long _received;
    private long _target = long.MaxValue;
    private TaskCompletionSource _done = new();

    public override string Name => $"internal, channel broadcast deliveries/s to {Clients} SignalR clients";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services
            .AddWebSocketNotifications(o => o.SupportChannelBroadcast = true)
            .AddSignalRGateway(o =>
            {
                o.AllowAnonymous = true; // connection auth is not what is measured
                o.AnonymousTenantId = Tenant;
                o.AllowedChannelPatterns = [Channel];
            });
        _app = builder.Build();
        _app.MapNotificationGateway();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var hubUrl = new Uri(new Uri(_app.Urls.First()), "/notifications");

        for (var i = 0; i < Clients; i++)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(hubUrl, o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.On<object>("channel:joined", _ => joined.TrySetResult());
            connection.On<object>("notification:new", _ =>
            {
                if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
                {
                    _done.TrySetResult();
                }
            });
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
            await connection.InvokeAsync("channel:join", new { channelName = Channel }, cancellationToken).ConfigureAwait(false);
            await joined.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            _connections.Add(connection);
        }

        _provider = await _app.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(Tenant, cancellationToken).ConfigureAwait(false);
        _hub = _app.Services.GetRequiredService<IHubContext<NotificationHub>>();
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RoundsAsync(duration, async ct =>
        {
            var result = await _provider.SendToChannelAsync(Channel, Content, ct).ConfigureAwait(false);
            if (!result.Success)
            {
                throw new InvalidOperationException(result.Error!.Message);
            }
        }, cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RoundsAsync(duration, ct =>
        {
            var payload = NotificationPayload.Create(Guid.NewGuid().ToString("N"), NotificationRecipient.ForChannel(Channel), Content, DateTimeOffset.UtcNow);
            return _hub.Clients.Group(Group).SendAsync("notification:new", payload, ct);
        }, cancellationToken);

    public override async Task TearDownAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<Measurement> RoundsAsync(TimeSpan duration, Func<CancellationToken, Task> broadcast, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long deliveries = 0;
        do
        {
            Interlocked.Exchange(ref _received, 0);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _target, (long)MessagesPerRound * Clients);
            for (var m = 0; m < MessagesPerRound; m++)
            {
                await broadcast(cancellationToken).ConfigureAwait(false);
            }

            await _done.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            deliveries += (long)MessagesPerRound * Clients;
        }
        while (clock.Elapsed < duration);

        return new Measurement(deliveries, clock.Elapsed);
    }
}
