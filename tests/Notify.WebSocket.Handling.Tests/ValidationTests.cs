using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class ValidationTests
{
    private static IReadOnlyList<string> Failures(Action<MessageHandlingOptions> handling, Action<IWebSocketNotificationsBuilder>? builder = null)
    {
        var harness = HandlingHarness.Create(handling, builder);
        try
        {
            var ex = Assert.Throws<OptionsValidationException>(() => harness.Options);
            return [.. ex.Failures];
        }
        finally
        {
            harness.Services.Dispose();
        }
    }

    [Fact]
    public void Kafka_NamedButNotAdded_FailsWithTheFix() =>
        Assert.Contains(
            "websocket:messageHandling:strategy uses Kafka but Kafka is not added; reference the Notify.WebSocket.Kafka package and call .AddKafka(...) on the builder AddWebSocketNotifications returns.",
            Failures(h => h.Strategy = "kafka"));

    [Fact]
    public void Database_WithoutADataSource_Fails() =>
        Assert.Contains(
            "websocket:messageHandling:databasePath (a SQLite file) or websocket:messageHandling:databaseConnectionString is required when the database strategy is used.",
            Failures(h => h.Strategy = "database"));

    [Fact]
    public void PostgreSql_WithoutARegisteredProvider_Fails() =>
        Assert.Contains(
            Failures(h => { h.Strategy = "database"; h.DatabaseProvider = "postgresql"; h.DatabaseConnectionString = "Host=db;Password=hunter2"; }),
            f => f.Contains("AddDatabaseProvider(\"postgresql\"", StringComparison.Ordinal) && !f.Contains("hunter2", StringComparison.Ordinal));

    [Fact]
    public void All_ListsEveryStrategyNotSetUp_AtOnce()
    {
        var failures = Failures(h => { h.Strategy = "all"; h.CallbackUrl = "not a url"; h.StoreInDatabase = true; h.PublishToKafka = true; h.SpoolCapacity = 0; });

        Assert.Contains(failures, f => f.Contains("callbackUrl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("databasePath", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Kafka is not added", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("spoolCapacity is 0", StringComparison.Ordinal));
    }

    [Fact]
    public void All_WithNothingConfigured_Fails() =>
        Assert.Contains(Failures(h => h.Strategy = "all"), f => f.Contains("no strategy is configured", StringComparison.Ordinal));

    [Fact]
    public void UnsafeTableName_Fails() =>
        Assert.Contains(Failures(h => { h.Strategy = "database"; h.DatabasePath = "x.db"; h.DatabaseTable = "n; DROP TABLE x"; }), f => f.Contains("databaseTable", StringComparison.Ordinal));

    [Fact]
    public void ToString_NeverShowsTheSecrets()
    {
        var options = new MessageHandlingOptions { CallbackSecret = "whsec-123", DatabaseConnectionString = "Host=db;Password=hunter2", CallbackUrl = "https://hooks.example.com/x?token=abc" };

        var text = options.ToString();

        Assert.DoesNotContain("whsec-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token=abc", text, StringComparison.Ordinal);
    }
}
