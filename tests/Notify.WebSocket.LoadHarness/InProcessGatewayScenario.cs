using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Internal mode through the in-process gateway: a channel broadcast to 10,000 connections through the provider, vs a
/// plain loop writing the same payload to 10,000 bounded channels. Deliveries/s = broadcasts × members.
/// </summary>
internal sealed class InProcessGatewayScenario : Scenario
{
    private const int Connections = 10_000;
    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "in-process broadcast" };

    private readonly List<InProcessConnection> _members = [];
    private readonly List<Channel<NotificationPayload>> _plain = [];
    private ServiceProvider? _services;
    private IWebSocketProvider _provider = null!;

    public override string Name => $"internal, in-process gateway deliveries/s to {Connections:N0} connections";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddWebSocketNotifications(o => o.SupportChannelBroadcast = true);
        _services = services.BuildServiceProvider();
        var gateway = _services.GetRequiredService<InProcessNotificationGateway>();
        for (var i = 0; i < Connections; i++)
        {
            var member = gateway.Connect("1", "user" + i);
            member.JoinChannel("everyone");
            _members.Add(member);
            _plain.Add(Channel.CreateBounded<NotificationPayload>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }));
        }

        _provider = await _services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", cancellationToken).ConfigureAwait(false);
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(1, duration, async ct =>
        {
            var result = await _provider.SendToChannelAsync("everyone", Content, ct).ConfigureAwait(false);
            if (!result.Success || (int)result.Metadata["deliveredConnections"]! != Connections)
            {
                throw new InvalidOperationException("The broadcast did not reach every connection.");
            }
        }, recordLatency: false, cancellationToken, operationsPerCall: Connections);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(1, duration, _ =>
        {
            var payload = NotificationPayload.Create(Guid.NewGuid().ToString("N"), NotificationRecipient.ForChannel("everyone"), Content, DateTimeOffset.UtcNow);
            foreach (var channel in _plain)
            {
                channel.Writer.TryWrite(payload);
            }

            return Task.CompletedTask;
        }, recordLatency: false, cancellationToken, operationsPerCall: Connections);

    public override async Task TearDownAsync()
    {
        foreach (var member in _members)
        {
            await member.DisposeAsync().ConfigureAwait(false);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }
    }
}
