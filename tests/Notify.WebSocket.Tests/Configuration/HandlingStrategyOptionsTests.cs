using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Configuration;

/// <summary>A strategy added with AddHandlingStrategy: its own section, per tenant, validated by its own validator, selected by name.</summary>
public sealed class HandlingStrategyOptionsTests
{
    private const string Root = "Notifications:WebSocket";

    private const string Receiving = """
        "mode": "external", "protocol": "ws", "url": "ws://127.0.0.1:9/ws", "enableReceiving": true
        """;

    private static ServiceProvider Services(string json, Action<IWebSocketNotificationsBuilder>? builder = null) =>
        TestServices.FromSection(json, b =>
        {
            b.AddHandlingStrategy<AuditStrategy, AuditOptions>("audit", static (section, options) => section.Bind(options));
            builder?.Invoke(b);
        }, s =>
        {
            s.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        });

    private static WebSocketProviderOptions Get(ServiceProvider services, string? tenant = null) =>
        services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get(ProviderOptionsNames.For("websocket", tenant));

    private static IReadOnlyList<string> Failures(string json, Action<IWebSocketNotificationsBuilder>? builder = null)
    {
        using var services = Services(json, builder);
        return [.. Assert.Throws<OptionsValidationException>(() => Get(services)).Failures];
    }

    private static AuditOptions Audit(WebSocketProviderOptions options) => (AuditOptions)options.StrategyOptions["audit"];

    [Fact]
    public void OwnSection_IsBoundPerTenant_TheTenantsValuesOverTheBaseOnes()
    {
        using var services = Services($$"""
            { {{Receiving}}, "messageHandling": { "strategy": "audit", "spoolPath": "{{Spool()}}",
                "strategies": { "audit": { "url": "https://audit.example.com/base", "retries": 5, "tags": ["a", "b"] } } },
              "tenants": { "7": { "messageHandling": { "strategies": { "audit": { "url": "https://audit.example.com/t7", "tags": ["c"] } } } },
                           "8": { "timeout": 1000 } } }
            """);

        var t7 = Audit(Get(services, "7"));
        var t8 = Audit(Get(services, "8"));

        Assert.Equal(("https://audit.example.com/t7", 5), (t7.Url, t7.Retries));
        Assert.Equal(["c"], t7.Tags); // an array replaces the base one whole
        Assert.Equal(("https://audit.example.com/base", 5), (t8.Url, t8.Retries));
        Assert.Equal(["a", "b"], t8.Tags);
    }

    [Fact]
    public async Task Strategy_GetsItsTenantsOwnOptions_AndNothingElse()
    {
        using var services = Services($$"""
            { {{Receiving}}, "messageHandling": { "strategy": "audit", "spoolPath": "{{Spool()}}",
                "strategies": { "audit": { "url": "https://audit.example.com/base" } } },
              "tenants": { "7": { "messageHandling": { "strategies": { "audit": { "url": "https://audit.example.com/t7" } } } } } }
            """);
        var pipeline = services.GetRequiredService<IncomingPipelineFactory>().Create("7", Get(services, "7"))!;

        pipeline.TryEnqueue(Message("m-1", "7"));
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the strategy handled the message");
        await pipeline.DisposeAsync();

        var (message, options) = Assert.Single(services.GetRequiredService<AuditStrategy>().Handled);
        Assert.Equal("m-1", message.Id);
        Assert.Equal("https://audit.example.com/t7", options.Url);
    }

    [Fact]
    public void OwnValidator_FailuresNameTheFullKeyPath_OfTheTenantThatHasThem()
    {
        var failures = Failures($$"""
            { {{Receiving}}, "messageHandling": { "strategy": "audit", "spoolPath": "{{Spool()}}",
                "strategies": { "audit": { "url": "https://audit.example.com/base", "retries": -1 } } },
              "tenants": { "7": { "messageHandling": { "strategies": { "audit": { "url": "" } } } } } }
            """);

        Assert.Contains($"{Root}:messageHandling:strategies:audit: retries is -1; it must be 0 or more.", failures);
        Assert.Contains($"{Root}:tenants:7:messageHandling:strategies:audit:url is required; give the audit service's address.", failures);
    }

    [Fact]
    public void ValueTheBindCannotConvert_IsReportedWithTheKeyPath()
    {
        var failures = Failures($$"""
            { {{Receiving}}, "messageHandling": { "strategy": "audit", "spoolPath": "{{Spool()}}",
                "strategies": { "audit": { "url": "https://audit.example.com", "retries": "many" } } } }
            """);

        Assert.Contains(failures, f => f.StartsWith($"{Root}:messageHandling:strategies:audit: ", StringComparison.Ordinal) && f.Contains("retries", StringComparison.Ordinal));
    }

    [Fact]
    public void SectionOfAStrategyNotAdded_IsReported_NotIgnored()
    {
        var failures = Failures("""{ "messageHandling": { "strategies": { "adit": { "url": "https://audit.example.com" } } } }""");

        Assert.Equal(
            $"{Root}:messageHandling:strategies:adit:url belongs to no strategy: none named \"adit\" is added to this provider configuration; add it on the builder AddWebSocketNotifications returns (AddHandlingStrategy, or the Add… method of the package that provides it), or remove the section.",
            Assert.Single(failures));
    }

    [Fact]
    public void StrategyNotUsed_IsNotValidated()
    {
        using var services = Services($$"""
            { {{Receiving}}, "messageHandling": { "strategy": "callback", "callbackUrl": "https://hooks.example.com", "spoolPath": "{{Spool()}}" } }
            """);

        Assert.Null(Audit(Get(services)).Url);
    }

    [Fact]
    public void All_RunsAnAddedStrategy_WhenItsOptionsSaySo()
    {
        const string Section = """
            { "mode": "external", "protocol": "ws", "url": "ws://127.0.0.1:9/ws", "enableReceiving": true,
              "messageHandling": { "strategy": "all", "spoolPath": "SPOOL", "strategies": { "audit": { "url": "https://audit.example.com" } } },
              "tenants": { "off": { "messageHandling": { "strategies": { "audit": { "inAll": false } } } } } }
            """;
        using var services = Services(Section.Replace("SPOOL", Spool(), StringComparison.Ordinal), b => b.ConfigureTenant("off", o => o.MessageHandling.CallbackUrl = "https://hooks.example.com"));
        var factory = services.GetRequiredService<IncomingPipelineFactory>();

        Assert.Equal(["audit"], factory.Select(Get(services)).Select(s => s.Name));
        Assert.Equal(["callback"], factory.Select(Get(services, "off")).Select(s => s.Name));
    }

    [Fact]
    public void All_WhereNoStrategyTakesPart_SaysHowToAddOne()
    {
        var failures = Failures($$"""
            { {{Receiving}}, "messageHandling": { "strategy": "all", "spoolPath": "{{Spool()}}", "strategies": { "audit": { "inAll": false } } } }
            """);

        Assert.Contains($"{Root}:messageHandling:strategy is \"all\" but no strategy takes part; set callbackUrl or storeInDatabase, or add a strategy (an added strategy's own options say whether it takes part in \"all\").", failures);
    }

    [Fact]
    public void StrategyAddedToAnotherProviderConfigurationOnly_SaysWhereItIsAdded()
    {
        var collection = new ServiceCollection().AddLogging();
        var configuration = TestServices.Configuration("""{ "a": { "messageHandling": { "strategy": "audit" } }, "b": { "messageHandling": { "strategy": "audit" } } }""");
        collection.AddWebSocketNotifications(configuration.GetSection("a"), "a").AddHandlingStrategy<AuditStrategy, AuditOptions>("audit", static (s, o) => s.Bind(o));
        collection.AddWebSocketNotifications(configuration.GetSection("b"), "b");
        using var services = collection.BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>();

        Assert.Equal("audit", monitor.Get("a").MessageHandling.Strategy);
        Assert.Equal(
            "b:messageHandling:strategy is \"audit\", a strategy added only to the provider configuration(s) \"a\"; add it on this configuration's builder too (the same AddHandlingStrategy or package Add… call).",
            Assert.Single(Assert.Throws<OptionsValidationException>(() => monitor.Get("b")).Failures));
    }

    [Fact]
    public void SpecKeysUnderMessageHandling_AreReadAsAliases_TheOwnSectionWinning()
    {
        using var services = TestServices.FromSection(
            """
            { "messageHandling": { "strategy": "kafka", "kafkaTopic": "spec.topic", "publishToKafka": true },
              "tenants": { "7": { "messageHandling": { "strategies": { "kafka": { "topic": "own.topic" } } } } } }
            """,
            SpecKafkaStandIn.AddTo);

        Assert.Equal(("spec.topic", true), (SpecKafkaStandIn.Of(Get(services)).Topic, SpecKafkaStandIn.Of(Get(services)).Publish));
        Assert.Equal("own.topic", SpecKafkaStandIn.Of(Get(services, "7")).Topic);
    }

    [Fact]
    public void SpecKeyOfAStrategyNotAdded_IsAnUnknownKey()
    {
        using var services = TestServices.FromSection("""{ "messageHandling": { "kafkaTopic": "spec.topic" } }""");

        Assert.Equal(
            $"{Root}:messageHandling:kafkaTopic is not a known setting; correct or remove it (or add the handling strategy that reads it).",
            Assert.Single(Assert.Throws<OptionsValidationException>(() => Get(services)).Failures));
    }

    [Fact]
    public void CodeConfiguredProvider_BindsTheStrategyFromAnEmptySection()
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddWebSocketNotifications(o => o.MessageHandling.Strategy = "audit")
            .AddHandlingStrategy<AuditStrategy, AuditOptions>("audit", static (section, options) =>
            {
                options.Url = "https://audit.example.com/code";
                section.Bind(options);
            });
        using var services = collection.BuildServiceProvider();

        Assert.Equal("https://audit.example.com/code", Audit(services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket")).Url);
    }

    [Fact]
    public void ChangedSection_IsBoundAgain_OnReload()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:WebSocket:messageHandling:strategies:audit:url"] = "https://audit.example.com/v1",
        }).Build();
        var collection = new ServiceCollection().AddLogging();
        collection.AddWebSocketNotifications(configuration.GetSection(Root))
            .AddHandlingStrategy<AuditStrategy, AuditOptions>("audit", static (section, options) => section.Bind(options));
        using var services = collection.BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>();
        Assert.Equal("https://audit.example.com/v1", Audit(monitor.Get("websocket")).Url);

        configuration[$"{Root}:messageHandling:strategies:audit:url"] = "https://audit.example.com/v2";
        configuration.Reload();

        Assert.Equal("https://audit.example.com/v2", Audit(monitor.Get("websocket")).Url);
    }

    [Fact]
    public void AddingAStrategyAgain_UnderTheSameName_ReplacesIt()
    {
        using var services = Services(
            """{ "messageHandling": { "strategies": { "audit": { "url": "https://audit.example.com" } } } }""",
            b => b.AddHandlingStrategy<AuditStrategy, AuditOptions>("AUDIT", static (section, options) =>
            {
                section.Bind(options);
                options.Retries = 42;
            }));

        Assert.Equal(("https://audit.example.com", 42), (Audit(Get(services)).Url, Audit(Get(services)).Retries));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("NONE")]
    [InlineData("a:b")]
    [InlineData(" ")]
    public void ReservedOrMalformedName_Throws(string name)
    {
        var builder = new ServiceCollection().AddWebSocketNotifications(_ => { });

        Assert.Throws<ArgumentException>(() => builder.AddHandlingStrategy<AuditStrategy, AuditOptions>(name, static (s, o) => s.Bind(o)));
    }

    private static string Spool() => Path.Combine(Path.GetTempPath(), "notify-test-spool-" + Guid.NewGuid().ToString("N"));

    private static IncomingMessage Message(string id, string tenantId) => new()
    {
        Id = id,
        Event = "message:received",
        Data = System.Text.Json.JsonDocument.Parse("""{"text":"hello"}""").RootElement,
        TenantId = tenantId,
        Timestamp = DateTimeOffset.UtcNow,
        Source = new MessageSource { Provider = "websocket", Url = "ws://127.0.0.1:9/ws", Protocol = "ws" },
    };

    internal sealed class AuditOptions
    {
        public string? Url { get; set; }

        public int Retries { get; set; } = 3;

        public List<string> Tags { get; set; } = [];

        public bool InAll { get; set; } = true;
    }

    internal sealed class AuditStrategy : IMessageHandlingStrategy<AuditOptions>
    {
        public System.Collections.Concurrent.ConcurrentQueue<(IncomingMessage Message, AuditOptions Options)> Handled { get; } = new();

        public bool TakesPartInAll(AuditOptions options) => options.InAll;

        public ValueTask HandleAsync(IncomingMessage message, AuditOptions options, CancellationToken cancellationToken = default)
        {
            Handled.Enqueue((message, options));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuditOptions options)
        {
            var errors = new List<string>();
            if (string.IsNullOrEmpty(options.Url))
            {
                errors.Add($"{name}:url is required; give the audit service's address.");
            }

            if (options.Retries < 0)
            {
                errors.Add($"retries is {options.Retries}; it must be 0 or more.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
