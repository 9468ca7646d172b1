using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Kafka.Tests.TestSupport;

namespace Notify.WebSocket.Kafka.Tests;

public sealed class KafkaStrategyTests(KafkaCluster kafka) : IClassFixture<KafkaCluster>
{
    [Fact]
    public async Task Publish_GoesToKafkaTopic_WithTheWebhookPayload_KeyedByMessageId_WithHeaders()
    {
        var topic = "notify.it." + Guid.NewGuid().ToString("N")[..8];
        await kafka.CreateTopicAsync(topic);
        using var files = new TempFiles();
        await using (var harness = HandlingHarness.Create(
            h => { h.Strategy = "kafka"; h.SpoolPath = files.Path("spool"); },
            builder: b => b.AddKafka(k => { k.BootstrapServers = kafka.BootstrapServers; k.Topic = topic; })))
        {
            var pipeline = harness.StartPipeline();
            for (var i = 0; i < 20; i++)
            {
                pipeline.TryEnqueue(Messages.Create("k-" + i));
            }

            await Eventually.TrueAsync(() => pipeline.Pending == 0, "every publish was acknowledged", 20_000);
            await pipeline.DisposeAsync();
        }

        var records = kafka.Consume(topic, 20, TimeSpan.FromSeconds(20));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => "k-" + i).Order(), records.Select(r => r.Message.Key).Order());
        var record = records.Single(r => r.Message.Key == "k-3").Message;
        string Header(string name) => Encoding.UTF8.GetString(record.Headers.GetLastBytes(name));
        Assert.Equal("message:received", Header(KafkaHeaders.Event));
        Assert.Equal("tenant-7", Header(KafkaHeaders.TenantId));
        Assert.Equal("k-3", Header(KafkaHeaders.MessageId));
        Assert.Equal("application/json", Header(KafkaHeaders.ContentType));
        using var value = JsonDocument.Parse(record.Value);
        Assert.Equal(["event", "data", "timestamp", "metadata", "source"], value.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("hello", value.RootElement.GetProperty("data").GetProperty("text").GetString());
        Assert.Equal("k-3", value.RootElement.GetProperty("metadata").GetProperty("messageId").GetString());
        Assert.Equal("ws", value.RootElement.GetProperty("source").GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Key_IsConfigurable()
    {
        var topic = "notify.key." + Guid.NewGuid().ToString("N")[..8];
        await kafka.CreateTopicAsync(topic);
        using var files = new TempFiles();
        await using (var harness = HandlingHarness.Create(
            h => { h.Strategy = "kafka"; h.SpoolPath = files.Path("spool"); },
            builder: b => b.AddKafka(o => { o.BootstrapServers = kafka.BootstrapServers; o.Topic = topic; o.Key = m => m.TenantId + "/" + m.Event; })))
        {
            var pipeline = harness.StartPipeline();
            pipeline.TryEnqueue(Messages.Create("key-1"));
            await Eventually.TrueAsync(() => pipeline.Pending == 0, "the publish was acknowledged", 20_000);
            await pipeline.DisposeAsync();
        }

        Assert.Equal("tenant-7/message:received", Assert.Single(kafka.Consume(topic, 1, TimeSpan.FromSeconds(20))).Message.Key);
    }

    [Fact]
    public async Task ABatchWithOneRecordTheBrokerRefuses_DeliversTheOthers_AndKeepsThatOneForRetry()
    {
        var topic = "notify.batch." + Guid.NewGuid().ToString("N")[..8];
        await kafka.CreateTopicAsync(topic);
        using var files = new TempFiles();
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "kafka"; h.SpoolPath = files.Path("spool"); },
            builder: b => b.AddKafka(k =>
            {
                k.BootstrapServers = kafka.BootstrapServers;
                k.Topic = topic;
                k.Producer.MessageMaxBytes = 4_000;
            }));
        var pipeline = harness.StartPipeline();
        for (var i = 0; i < 50; i++)
        {
            pipeline.TryEnqueue(i == 25
                ? Messages.Create("too-big", data: "{\"text\":\"" + new string('x', 8_000) + "\"}")
                : Messages.Create("b-" + i));
        }

        await Eventually.TrueAsync(() => pipeline.Completed == 49, "every record but the oversized one was acknowledged", 20_000);
        var records = kafka.Consume(topic, 49, TimeSpan.FromSeconds(20));
        Assert.Equal(1, pipeline.Pending);
        await pipeline.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 50).Where(i => i != 25).Select(i => "b-" + i).Order(StringComparer.Ordinal), records.Select(r => r.Message.Key).Order(StringComparer.Ordinal));
    }
}
