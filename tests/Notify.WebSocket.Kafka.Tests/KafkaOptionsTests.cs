using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Kafka.Tests.TestSupport;

namespace Notify.WebSocket.Kafka.Tests;

/// <summary>The Kafka strategy's settings from appsettings, through the core's public AddHandlingStrategy mechanism.</summary>
public sealed class KafkaOptionsTests(KafkaCluster kafka) : IClassFixture<KafkaCluster>
{
    private const string Root = "Notifications:WebSocket";

    private static ServiceProvider Services(string sectionJson, Action<IWebSocketNotificationsBuilder> kafka)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "Notifications": { "WebSocket": {{sectionJson}} } }""")))
            .Build();
        var services = new ServiceCollection().AddLogging();
        kafka(services.AddWebSocketNotifications(configuration.GetSection(Root)).AddSqlite());
        return services.BuildServiceProvider();
    }

    private static WebSocketProviderOptions Provider(ServiceProvider services, string? tenant = null) =>
        services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get(WebSocketProviderOptions.NameFor("websocket", tenant));

    private static KafkaStrategyOptions Kafka(ServiceProvider services, string? tenant = null) =>
        (KafkaStrategyOptions)Provider(services, tenant).StrategyOptions[KafkaStrategyOptions.StrategyName];

    /// <summary>A provider receiving into the Kafka strategy; <paramref name="kafkaSection"/> is the base <c>strategies:kafka</c>.</summary>
    private static string Receiving(string spool, string kafkaSection = "{}") => $$"""
        "mode": "external", "protocol": "ws", "url": "ws://127.0.0.1:9/ws", "enableReceiving": true,
        "messageHandling": { "strategy": "kafka", "spoolPath": "{{spool}}", "strategies": { "kafka": {{kafkaSection}} } }
        """;

    [Fact]
    public void OwnSection_BindsEverySetting_ATenantsSectionOverTheBaseOne()
    {
        using var files = new TempFiles();
        const string Base = """
            { "bootstrapServers": "b1:9092,b2:9092", "topic": "base.topic", "publish": true, "deliveryTimeout": 1500,
              "producer": { "linger.ms": "5", "compression.type": "lz4" } }
            """;
        using var services = Services($$"""
            { {{Receiving(files.Path("spool"), Base)}},
              "tenants": { "7": { "messageHandling": { "strategies": { "kafka": { "topic": "t7.topic", "producer": { "linger.ms": "20" } } } } } } }
            """,
            b => b.AddKafka());

        var baseOptions = Kafka(services);
        var t7 = Kafka(services, "7");

        Assert.Equal(("b1:9092,b2:9092", "base.topic", true, TimeSpan.FromMilliseconds(1500)), (baseOptions.BootstrapServers, baseOptions.Topic, baseOptions.Publish, baseOptions.DeliveryTimeout));
        Assert.Equal(("5", "lz4"), (baseOptions.Producer.Get("linger.ms"), baseOptions.Producer.Get("compression.type")));
        Assert.Equal(("b1:9092,b2:9092", "t7.topic", "20", "lz4"), (t7.BootstrapServers, t7.Topic, t7.Producer.Get("linger.ms"), t7.Producer.Get("compression.type")));
    }

    [Fact]
    public void SpecKeys_KafkaTopicAndPublishToKafka_StillWork_TheOwnSectionWinning()
    {
        using var services = Services(
            """
            { "messageHandling": { "strategy": "kafka", "kafkaTopic": "spec.topic", "publishToKafka": true },
              "tenants": { "7": { "messageHandling": { "kafkaTopic": "t7.spec.topic" } },
                           "8": { "messageHandling": { "strategies": { "kafka": { "topic": "t8.own.topic" } } } } } }
            """,
            b => b.AddKafka("broker:9092"));

        Assert.Equal(("spec.topic", true), (Kafka(services).Topic, Kafka(services).Publish));
        Assert.Equal("t7.spec.topic", Kafka(services, "7").Topic);
        Assert.Equal("t8.own.topic", Kafka(services, "8").Topic);
        Assert.Equal(KafkaStrategyOptions.DefaultTopic, new KafkaStrategyOptions().Topic);
    }

    [Fact]
    public void CodeSetsTheDefaults_ConfigurationWins()
    {
        using var coded = Services("""{ "messageHandling": { "strategy": "kafka" } }""", b => b.AddKafka(o => { o.BootstrapServers = "code:9092"; o.Topic = "code.topic"; }));
        using var configured = Services(
            """{ "messageHandling": { "strategy": "kafka", "strategies": { "kafka": { "bootstrapServers": "conf:9092" } } } }""",
            b => b.AddKafka(o => { o.BootstrapServers = "code:9092"; o.Topic = "code.topic"; }));

        Assert.Equal(("code:9092", "code.topic"), (Kafka(coded).BootstrapServers, Kafka(coded).Topic));
        Assert.Equal(("conf:9092", "code.topic"), (Kafka(configured).BootstrapServers, Kafka(configured).Topic));
    }

    [Fact]
    public void EveryProblem_IsListedAtStart_ByFullKeyPath()
    {
        using var files = new TempFiles();
        using var services = Services($$"""
            { {{Receiving(files.Path("spool"))}},
              "tenants": { "7": { "messageHandling": { "kafkaTopic": "", "strategies": { "kafka": { "topik": "x", "deliveryTimeout": "soon", "publish": "yes" } } } } } }
            """,
            b => b.AddKafka());

        var failures = Assert.Throws<OptionsValidationException>(() => Provider(services)).Failures.ToList();

        var tenant = $"{Root}:tenants:7:messageHandling";
        Assert.Contains($"{Root}:messageHandling:strategies:kafka:bootstrapServers is required; set it there, or in code with .AddKafka(\"broker:9092\") on the builder AddWebSocketNotifications returns.", failures);
        Assert.Contains($"{tenant}:strategies:kafka:topik is not a setting of the Kafka strategy; use bootstrapServers, topic, publish, deliveryTimeout or producer.", failures);
        Assert.Contains($"{tenant}:strategies:kafka:deliveryTimeout is \"soon\", which is not a whole number of milliseconds; give one such as 30000 (the default).", failures);
        Assert.Contains($"{tenant}:strategies:kafka:publish is \"yes\"; use true or false.", failures);
        Assert.Contains($"{tenant}:strategies:kafka:topic is empty; give a topic name (here or as messageHandling:kafkaTopic) or leave it out for \"websocket.incoming.messages\".", failures);
    }

    [Theory]
    [InlineData("""{ "compression.type": "zstdx" }""", "\"zstdx\"")]
    [InlineData("""{ "linger.mss": "5" }""", "linger.mss")]
    [InlineData("""{ "sasl.username": "app", "sasl.pasword": "hunter2-secret" }""", "sasl.pasword")]
    public void ProducerSettingsLibrdkafkaRefuses_StopTheHostAtStart_ByKeyPath_WithoutSecrets(string producer, string named)
    {
        using var files = new TempFiles();
        using var services = Services(
            $$"""{ {{Receiving(files.Path("spool"), $$"""{ "bootstrapServers": "{{kafka.BootstrapServers}}", "producer": {{producer}} }""")}} }""",
            b => b.AddKafka());

        var failure = Assert.Single(Assert.Throws<OptionsValidationException>(() => Provider(services)).Failures);

        Assert.StartsWith($"{Root}:messageHandling:strategies:kafka:producer: librdkafka refuses these settings (", failure, StringComparison.Ordinal);
        Assert.Contains(named, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ProducerSettingsLibrdkafkaTakes_PassTheCheck()
    {
        using var files = new TempFiles();
        using var services = Services(
            $$"""{ {{Receiving(files.Path("spool"), $$"""{ "bootstrapServers": "{{kafka.BootstrapServers}}", "producer": { "compression.type": "zstd", "linger.ms": "5" } }""")}} }""",
            b => b.AddKafka());

        Assert.Equal("zstd", Kafka(services).Producer.Get("compression.type"));
    }

    [Fact]
    public void WithAll_KafkaTakesPart_OnlyWhenPublishToKafkaIsOn()
    {
        using var files = new TempFiles();
        using var services = Services($$"""
            { "mode": "external", "protocol": "ws", "url": "ws://127.0.0.1:9/ws", "enableReceiving": true,
              "messageHandling": { "strategy": "all", "callbackUrl": "https://hooks.example.com/in", "spoolPath": "{{files.Path("spool")}}" },
              "tenants": { "on": { "messageHandling": { "publishToKafka": true } } } }
            """,
            b => b.AddKafka("broker:9092"));
        var factory = services.GetRequiredService<IncomingPipelineFactory>();

        Assert.Equal(["callback"], factory.Select(Provider(services)).Select(s => s.Name));
        Assert.Equal(["callback", "kafka"], factory.Select(Provider(services, "on")).Select(s => s.Name));
    }

    [Fact]
    public async Task EachTenant_PublishesToItsOwnTopic_FromAppsettings()
    {
        var topics = new[] { "notify.t1." + Guid.NewGuid().ToString("N")[..8], "notify.t2." + Guid.NewGuid().ToString("N")[..8] };
        foreach (var topic in topics)
        {
            await kafka.CreateTopicAsync(topic);
        }

        using var files = new TempFiles();
        await using var services = Services($$"""
            { {{Receiving(files.Path("spool"), $$"""{ "bootstrapServers": "{{kafka.BootstrapServers}}" }""")}},
              "tenants": { "1": { "messageHandling": { "kafkaTopic": "{{topics[0]}}" } },
                           "2": { "messageHandling": { "strategies": { "kafka": { "topic": "{{topics[1]}}" } } } } } }
            """,
            b => b.AddKafka());
        var factory = services.GetRequiredService<IncomingPipelineFactory>();

        foreach (var tenant in new[] { "1", "2" })
        {
            var pipeline = factory.Create(tenant, Provider(services, tenant))!;
            pipeline.TryEnqueue(Messages.Create("m-" + tenant, tenantId: tenant));
            await Eventually.TrueAsync(() => pipeline.Pending == 0, $"tenant {tenant}'s message was published", 20_000);
            await pipeline.DisposeAsync();
        }

        Assert.Equal("m-1", Assert.Single(kafka.Consume(topics[0], 1, TimeSpan.FromSeconds(20))).Message.Key);
        Assert.Equal("m-2", Assert.Single(kafka.Consume(topics[1], 1, TimeSpan.FromSeconds(20))).Message.Key);
    }
}
