using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Internal mode through the Socket.IO gateway: a channel broadcast to 200 official socket.io-client sockets (Node,
/// websocket transport), through the provider on our ASP.NET Core host, against the reference Node socket.io server
/// emitting the same notification to a room of 200 sockets of the same client (<c>io.to(room).emit</c> in a loop). A
/// round broadcasts 100 notifications and ends when every socket received every one.
/// </summary>
internal sealed class SocketIoBroadcastScenario : Scenario
{
    private const int Clients = 200;
    private const int MessagesPerRound = 100;
    private const string Channel = "bench";

    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "channel broadcast", Data = new { n = 42, kind = "load" } };

    private static readonly HttpClient Http = new();
    private WebApplication? _app;
    private NodePeer? _node;
    private NodeClients? _ours;
    private NodeClients? _theirs;
    private IWebSocketProvider _provider = null!;

    public override string Name => $"internal, channel broadcast deliveries/s to {Clients} socket.io-client sockets (vs Node socket.io server)";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _app = await StartHostAsync(cancellationToken).ConfigureAwait(false);
        _provider = await _app.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", cancellationToken).ConfigureAwait(false);
        _node = await NodePeer.StartAsync("socketio-bench-server.mjs").ConfigureAwait(false);
        _ours = await NodeClients.StartAsync(new Uri(_app.Urls.First()), Clients, authJson: null, join: Channel, cancellationToken).ConfigureAwait(false);
        _theirs = await NodeClients.StartAsync(_node.HttpUrl(), Clients, authJson: """{"rooms":["bench"]}""", join: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Our host: the Socket.IO gateway, anonymous connections of tenant 1 allowed into the bench channel (auth is not what is measured).</summary>
    public static async Task<WebApplication> StartHostAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services
            .AddWebSocketNotifications(o => o.SupportChannelBroadcast = true)
            .AddSocketIoGateway(gateway: o =>
            {
                o.AllowAnonymous = true;
                o.AnonymousTenantId = "1";
                o.AllowedChannelPatterns = [Channel];
            });
        var app = builder.Build();
        app.MapSocketIoGateway();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RoundsAsync(duration, _ours!, async ct =>
        {
            for (var m = 0; m < MessagesPerRound; m++)
            {
                var result = await _provider.SendToChannelAsync(Channel, Content, ct).ConfigureAwait(false);
                if (!result.Success)
                {
                    throw new InvalidOperationException(result.Error!.Message);
                }
            }
        }, cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RoundsAsync(duration, _theirs!, async ct =>
        {
            var payload = new { id = Guid.NewGuid().ToString("N"), subject = Content.Subject, body = Content.Body, data = Content.Data, recipient = new { channel = Channel } };
            using var response = await Http.PostAsJsonAsync(_node!.HttpUrl("/broadcast"), new { room = Channel, count = MessagesPerRound, payload }, ct).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }, cancellationToken);

    public override async Task TearDownAsync()
    {
        foreach (var clients in new[] { _ours, _theirs })
        {
            if (clients is not null)
            {
                await clients.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
        }

        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

    }

    private static async Task<Measurement> RoundsAsync(TimeSpan duration, NodeClients clients, Func<CancellationToken, Task> broadcast, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long deliveries = 0;
        do
        {
            var received = clients.ReceivedAsync((long)MessagesPerRound * Clients, cancellationToken);
            await broadcast(cancellationToken).ConfigureAwait(false);
            await received.ConfigureAwait(false);
            deliveries += (long)MessagesPerRound * Clients;
        }
        while (clock.Elapsed < duration);

        return new Measurement(deliveries, clock.Elapsed);
    }
}
