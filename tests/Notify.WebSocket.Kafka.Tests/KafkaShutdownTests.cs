using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Kafka.Tests.TestSupport;

namespace Notify.WebSocket.Kafka.Tests;

public sealed class KafkaShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostStop_WithTheBrokerDown_TakesNoLongerThanTheShutdownTimeout_AndTheMessageIsPublishedAtTheNextStart()
    {
        using var kafka = KafkaCluster.Mock();
        var topic = "notify.stop." + Guid.NewGuid().ToString("N")[..8];
        await kafka.CreateTopicAsync(topic);
        kafka.SetDown();
        using var files = new TempFiles();
        var spool = files.Path("spool");
        var logs = new CapturingLoggerProvider();

        // The default delivery timeout (30 s) is far longer than this host's shutdown timeout.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services
            .AddWebSocketNotifications(o =>
            {
                o.Mode = WebSocketMode.External;
                o.Protocol = WebSocketProtocol.Ws;
                o.Url = "ws://127.0.0.1:9/ws";
                o.EnableReceiving = true;
                o.MessageHandling.Strategy = "kafka";
                o.MessageHandling.SpoolPath = spool;
            })
            .AddSqlite()
            .AddKafka(k => { k.BootstrapServers = kafka.BootstrapServers; k.Topic = topic; });
        var stopwatch = new Stopwatch();
        using (var host = builder.Build())
        {
            await host.StartAsync(Ct);
            var options = host.Services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get(ProviderOptionsNames.For("websocket", "tenant-7"));
            var pipeline = host.Services.GetRequiredService<Handling.IncomingPipelineFactory>().Create("tenant-7", options)!;
            pipeline.TryEnqueue(Messages.Create("stop-1"));

            // librdkafka reports the unreachable broker through ILogger (event ids 5001/5002), not on stderr.
            await Eventually.TrueAsync(() => logs.Lines.Any(l => l.Contains(" 5001: librdkafka", StringComparison.Ordinal) || l.Contains(" 5002: librdkafka", StringComparison.Ordinal)), "librdkafka's log reached ILogger", 20_000);

            // A record surely waiting for its delivery report when the host stops.
            var waiting = host.Services.GetRequiredService<KafkaStrategy>().HandleAsync(Messages.Create("waiting"), (KafkaStrategyOptions)options.StrategyOptions[KafkaStrategyOptions.StrategyName], Ct).AsTask();
            Assert.False(waiting.IsCompleted);

            stopwatch.Start();
            await host.StopAsync(CancellationToken.None);
            await pipeline.DisposeAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(logs.Lines.Any(l => l.StartsWith("Warning 5003:", StringComparison.Ordinal)), string.Join("\n", logs.Lines));

        // The next start, with the broker back, publishes what the stopped host left in the spool.
        kafka.SetUp();
        await using (var harness = HandlingHarness.Create(
            h => { h.Strategy = "kafka"; h.SpoolPath = spool; },
            builder: b => b.AddKafka(k => { k.BootstrapServers = kafka.BootstrapServers; k.Topic = topic; })))
        {
            var pipeline = harness.StartPipeline();
            await Eventually.TrueAsync(() => pipeline.Completed == 1, "the spooled message was published", 20_000);
            await pipeline.DisposeAsync();
        }

        Assert.Equal("stop-1", Assert.Single(kafka.Consume(topic, 1, TimeSpan.FromSeconds(10))).Message.Key);
    }
}
