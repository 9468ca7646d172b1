using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Kafka.Tests.TestSupport;

namespace Notify.WebSocket.Kafka.Tests;

public sealed class EndToEndTests(KafkaCluster kafka) : IClassFixture<KafkaCluster>
{
    [Fact]
    public async Task MessageFromTheNodeWsServer_WithStrategyAll_LandsInTheWebhook_TheSqliteTable_AndTheKafkaTopic()
    {
        var topic = "notify.e2e." + Guid.NewGuid().ToString("N")[..8];
        await kafka.CreateTopicAsync(topic);
        using var files = new TempFiles();
        var database = files.Path("notifications.db");
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var receiver = await WebhookReceiver.StartAsync();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs));
        // The spec's section as it is (publishToKafka, kafkaTopic), the brokers in the Kafka strategy's own section.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:WebSocket:mode"] = "external",
            ["Notifications:WebSocket:protocol"] = "ws",
            ["Notifications:WebSocket:url"] = server.WsUrl().ToString(),
            ["Notifications:WebSocket:enableReceiving"] = "true",
            ["Notifications:WebSocket:subscribeToEvents:0"] = "message:received",
            ["Notifications:WebSocket:subscribeToEvents:1"] = "status:changed",
            ["Notifications:WebSocket:messageHandling:strategy"] = "all",
            ["Notifications:WebSocket:messageHandling:callbackUrl"] = receiver.Url.ToString(),
            ["Notifications:WebSocket:messageHandling:callbackSecret"] = "e2e-secret",
            ["Notifications:WebSocket:messageHandling:storeInDatabase"] = "true",
            ["Notifications:WebSocket:messageHandling:databasePath"] = database,
            ["Notifications:WebSocket:messageHandling:publishToKafka"] = "true",
            ["Notifications:WebSocket:messageHandling:kafkaTopic"] = topic,
            ["Notifications:WebSocket:messageHandling:spoolPath"] = files.Path("spool"),
            ["Notifications:WebSocket:messageHandling:strategies:kafka:bootstrapServers"] = kafka.BootstrapServers,
        }).Build();
        services.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket")).AddSqlite().AddKafka();

        await using (var provider = services.BuildServiceProvider())
        {
            var websocket = provider.GetRequiredService<IWebSocketProvider>();
            var validation = await websocket.ValidateAsync(TestContext.Current.CancellationToken);
            Assert.True(validation.IsValid, validation.Error?.Message);

            await server.PostAsync("/push", new
            {
                frames = new object[]
                {
                    new { @event = "message:received", data = new { text = "from node" }, id = "node-1", timestamp = "2025-01-08T19:00:00.000Z" },
                    new { @event = "status:changed", data = new { status = "online" }, id = "node-2" },
                    new { @event = "not:subscribed", data = new { }, id = "node-3" },
                },
            });

            await receiver.WaitForAcceptedAsync(2, 15_000);
            await Eventually.TrueAsync(() => kafka.Consume(topic, 2, TimeSpan.FromSeconds(1)).Count == 2, "both events reached Kafka", 20_000);
        }

        Assert.Equal(["node-1", "node-2"], receiver.Accepted.Select(w => w.Header(WebhookHeaders.MessageId)).Order());
        Assert.All(receiver.Accepted, w => Assert.True(WebhookSignature.Verify("e2e-secret", w.Header(WebhookHeaders.Signature), w.Header(WebhookHeaders.Timestamp), w.Body, DateTimeOffset.UtcNow)));
        Assert.Equal(["node-1", "node-2"], kafka.Consume(topic, 2, TimeSpan.FromSeconds(10)).Select(r => r.Message.Key).Order());

        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id || '|' || tenant_id || '|' || subject || '|' || body FROM notifications ORDER BY id";
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["node-1|default|WebSocket: message:received|{\"text\":\"from node\"}", "node-2|default|WebSocket: status:changed|{\"status\":\"online\"}"], rows);
    }
}
