using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Kafka.Tests.TestSupport;

namespace Notify.WebSocket.Kafka.Tests;

public sealed class AllStrategyTests
{
    [Fact]
    public async Task All_WithKafkaDown_WebhookAndDatabaseSucceedAtOnce_KafkaAloneIsRetried_AndSucceedsWhenTheBrokerIsUp()
    {
        using var kafka = KafkaCluster.Mock();
        var topic = "notify.down." + Guid.NewGuid().ToString("N")[..8];
        await kafka.CreateTopicAsync(topic);
        kafka.SetDown();
        using var files = new TempFiles();
        var database = files.Path("notifications.db");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = HandlingHarness.Create(
            h =>
            {
                h.Strategy = "all";
                h.CallbackUrl = receiver.Url.ToString();
                h.StoreInDatabase = true;
                h.DatabasePath = database;
                h.SpoolPath = files.Path("spool");
                h.RetryDelay = 100;
                h.MaxRetryDelay = 300;
            },
            builder: b => b.AddKafka(o => { o.BootstrapServers = kafka.BootstrapServers; o.Topic = topic; o.Publish = true; o.DeliveryTimeout = TimeSpan.FromMilliseconds(800); }));
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("all-1"));
        await receiver.WaitForAcceptedAsync(1);

        // The strategies run concurrently: the webhook's success says nothing about the database's commit yet.
        await Eventually.TrueAsync(async () => await CountRowsAsync(database) == 1L, "the database row was committed", 15_000);
        await Eventually.TrueAsync(() => harness.Logs.Lines.Any(l => l.StartsWith("Warning 4002:", StringComparison.Ordinal) && l.Contains("kafka", StringComparison.Ordinal)), "a Kafka failure was logged", 15_000);
        Assert.Equal(1, pipeline.Pending);

        kafka.SetUp();
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "Kafka succeeded after the broker came up", 20_000);
        await pipeline.DisposeAsync();

        var record = Assert.Single(kafka.Consume(topic, 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("all-1", record.Message.Key);
        Assert.Single(receiver.Received);
        Assert.Equal(1L, await CountRowsAsync(database));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("Strategy callback failed", StringComparison.Ordinal) || l.Contains("Strategy database failed", StringComparison.Ordinal));
    }

    /// <summary>The rows of the notifications table; none while the strategy has not created it yet (the test polls from the start).</summary>
    private static async Task<long> CountRowsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'notifications'";
        if ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 0)
        {
            return 0;
        }

        command.CommandText = "SELECT COUNT(*) FROM notifications";
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
