using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>What the host starts by itself for the tenants that receive: their connections, and the delivery of what an earlier process left in the spool.</summary>
public sealed class ReceiverStartTests
{
    [Fact]
    public async Task HostStart_WithMessagesLeftInTheSpool_StartsTheTenantsProvider_WhichDeliversThem()
    {
        using var files = new TempFiles();
        var spool = files.Path("spool");
        var down = new TestStrategy("sink", (_, _) => false);
        await using (var crashed = HandlingHarness.Create(
            h => { h.Strategy = "sink"; h.SpoolPath = spool; },
            strategies: [down]))
        {
            var pipeline = crashed.StartPipeline(tenantId: "default");
            pipeline.TryEnqueue(Messages.Create("left-1", tenantId: "default"));
            pipeline.TryEnqueue(Messages.Create("left-2", tenantId: "default"));
            await Eventually.TrueAsync(() => down.Attempts >= 2, "both messages were tried");
            await pipeline.DisposeAsync();
        }

        var up = new TestStrategy("sink");
        await using var restarted = HandlingHarness.Create(
            h => { h.Strategy = "sink"; h.SpoolPath = spool; },
            strategies: [up]);
        foreach (var hosted in restarted.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        await Eventually.TrueAsync(() => up.Handled.Count == 2, "the recovered messages were delivered without the host asking for the provider");
        Assert.Equal(["left-1", "left-2"], up.Handled.Select(m => m.Id).Order());
        Assert.Contains(restarted.Logs.Lines, l => l.StartsWith("Information 4110:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_OfAHostThatOnlyReceives_ConnectsTheTenant_AndItsStrategyGetsWhatTheServerSends()
    {
        const int Burst = 200;
        using var files = new TempFiles();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "callback"; h.CallbackUrl = receiver.Url.ToString(); h.SpoolPath = files.Path("spool"); },
            services: s => s.PostConfigureAll<WebSocketProviderOptions>(o =>
            {
                o.Url = server.WsUrl().ToString();
                o.SubscribeToEvents = ["status:update"];
            }));

        // The host never asks for the provider: starting is all it does.
        foreach (var hosted in harness.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        await receiver.WaitForAcceptedAsync(Burst);
        Assert.Equal(Burst, receiver.Accepted.Select(r => r.Header(Notify.WebSocket.WebhookHeaders.MessageId)).Distinct().Count());
        Assert.DoesNotContain(harness.Logs.Lines, l => l.StartsWith("Information 4110:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_WithAStrategyButReceivingOff_WarnsOnce_NamingTheTenantsAndTheFix()
    {
        using var files = new TempFiles();
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "sink"; h.SpoolPath = files.Path("spool"); },
            strategies: [new TestStrategy("sink")],
            services: s => s.PostConfigureAll<WebSocketProviderOptions>(o => o.EnableReceiving = false));

        foreach (var hosted in harness.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        var warning = Assert.Single(harness.Logs.Lines, l => l.StartsWith("Warning 2008:", StringComparison.Ordinal));
        Assert.Contains("\"sink\" with enableReceiving false (tenant(s) default)", warning, StringComparison.Ordinal);
        Assert.Contains("Set enableReceiving to true", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_WithTheCallbackStrategyAndNoSecret_WarnsThatWebhooksGoOutUnsigned()
    {
        using var files = new TempFiles();
        await using var unsigned = HandlingHarness.Create(h => { h.Strategy = "callback"; h.CallbackUrl = "http://127.0.0.1:9/hook"; h.SpoolPath = files.Path("a"); });
        await using var signed = HandlingHarness.Create(h => { h.Strategy = "callback"; h.CallbackUrl = "http://127.0.0.1:9/hook"; h.CallbackSecret = "s3cret-value"; h.SpoolPath = files.Path("b"); });

        foreach (var harness in new[] { unsigned, signed })
        {
            foreach (var hosted in harness.Services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(TestContext.Current.CancellationToken);
            }
        }

        var warning = Assert.Single(unsigned.Logs.Lines, l => l.StartsWith("Warning 2009:", StringComparison.Ordinal));
        Assert.Contains("(tenant(s) default) go out unsigned", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(signed.Logs.Lines, l => l.StartsWith("Warning 2009:", StringComparison.Ordinal));
    }
}
