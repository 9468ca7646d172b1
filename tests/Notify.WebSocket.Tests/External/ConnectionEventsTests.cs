using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External;

/// <summary>Hosts observe the connection and decide its reconnection through public contracts.</summary>
public sealed class ConnectionEventsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StateChanged_ReportsTheDrop_TheScheduledAttempt_AndTheReconnect_AndFollowsTheTenantAcrossAConfigurationChange()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());
        var provider = await harness.ConnectedAsync();
        var changes = Channel.CreateUnbounded<ConnectionStateChangedEventArgs>();
        provider.StateChanged += (sender, change) =>
        {
            Assert.Same(provider, sender);
            changes.Writer.TryWrite(change);
        };

        await server.KillAsync();
        var reconnecting = await NextAsync(changes, c => c.State == WebSocketConnectionState.Reconnecting);
        Assert.Equal(WebSocketConnectionState.Connected, reconnecting.PreviousState);
        Assert.Equal(1, reconnecting.Attempt);
        Assert.NotNull(reconnecting.Delay);
        Assert.Equal(WebSocketErrorCodes.ConnectionError, reconnecting.Error!.Code);
        await server.RestartAsync();
        var reconnected = await NextAsync(changes, c => c.State == WebSocketConnectionState.Connected);
        Assert.True(reconnected.IsReconnected);

        // The kept provider goes on reporting for the tenant's new provider.
        await harness.Services.GetRequiredService<ITenantConfigurationService>().UpdateProviderConfigAsync("1", o => o.Url = server.WsUrl("/other").ToString(), Ct);
        await NextAsync(changes, c => c.State == WebSocketConnectionState.Connected);
        await server.PostAsync("/drop");
        await NextAsync(changes, c => c.State == WebSocketConnectionState.Reconnecting);
        await NextAsync(changes, c => c.IsReconnected);
    }

    [Fact]
    public async Task CustomReconnectionPolicy_DecidesEveryDelay_WithTheAttemptsElapsedTimeAndReason_AndGivesUp()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var policy = new TwoQuickAttempts();
        await using var harness = ExternalHarness.Create(
            server.WsUrl(),
            """ "authType": "bearer", "authToken": "secret-token" """,
            builder: b => b.AddReconnectionPolicy(policy));
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());

        await server.KillAsync();
        var failed = await transitions.NextAsync(WebSocketConnectionState.Failed, "the policy gave up");

        Assert.Equal([0, 1, 2], policy.Seen.Select(c => c.PreviousAttempts));
        Assert.True(policy.Seen.Select(c => c.ElapsedTime).SequenceEqual(policy.Seen.Select(c => c.ElapsedTime).Order()));
        Assert.All(policy.Seen, c => Assert.Equal(WebSocketErrorCodes.ConnectionError, c.Reason.Code));
        Assert.All(policy.Seen, c => Assert.DoesNotContain("secret-token", c.Endpoint, StringComparison.Ordinal));
        Assert.Equal([TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)], transitions.All.Where(t => t.State == WebSocketConnectionState.Reconnecting).Select(t => t.Delay!.Value));
        Assert.Equal(WebSocketErrorCodes.ConnectionError, failed.Error!.Code);
        Assert.Equal("The reconnection policy gave up after 2 reconnection attempt(s)", failed.Error.Message); // not reconnectionAttempts' "(5)"
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Error 3018: The reconnection policy gave up on ", StringComparison.Ordinal) && l.EndsWith("after 2 reconnection attempt(s); the connection has failed", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.StartsWith("Error 3004:", StringComparison.Ordinal));
    }

    private static async Task<ConnectionStateChangedEventArgs> NextAsync(Channel<ConnectionStateChangedEventArgs> changes, Func<ConnectionStateChangedEventArgs, bool> match)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var change = await changes.Reader.ReadAsync(timeout.Token);
            if (match(change))
            {
                return change;
            }
        }
    }

    private sealed class TwoQuickAttempts : IReconnectionPolicy
    {
        public ConcurrentQueue<ReconnectionContext> Seen { get; } = new();

        public TimeSpan? NextReconnectionDelay(ReconnectionContext context)
        {
            Seen.Enqueue(context);
            return context.PreviousAttempts < 2 ? TimeSpan.FromMilliseconds(10 * (context.PreviousAttempts + 1)) : null;
        }
    }
}
