using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class ValidationTests
{
    private const string AddSqlite = "the Notify.WebSocket.Sqlite package; add it and call .AddSqlite() on the builder AddWebSocketNotifications returns";

    private static IReadOnlyList<string> Failures(Action<MessageHandlingOptions> handling, Action<IWebSocketNotificationsBuilder>? builder = null, bool sqlite = true)
    {
        var harness = HandlingHarness.Create(handling, builder, sqlite: sqlite);
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
    public async Task ReceivingIntoAStrategy_WithoutTheSqlitePackage_StopsTheHostAtStart_NamingThePackageAndTheLine()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWebSocketNotifications(o =>
        {
            o.Mode = WebSocketMode.External;
            o.Protocol = WebSocketProtocol.Ws;
            o.Url = "ws://127.0.0.1:9/ws";
            o.EnableReceiving = true;
            o.MessageHandling.Strategy = "callback";
            o.MessageHandling.CallbackUrl = "https://hooks.example.com/incoming";
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            $"websocket:messageHandling:strategy is \"callback\" with enableReceiving on: incoming messages wait in a durable spool until every strategy has handled them, and the spool needs {AddSqlite}.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public void SqliteDatabase_WithoutTheSqlitePackage_NamesThePackageAndTheLine()
    {
        var failures = Failures(h => { h.Strategy = "database"; h.DatabasePath = "notifications.db"; }, sqlite: false);

        Assert.Contains(failures, f => f.StartsWith("websocket:messageHandling:databaseProvider is \"sqlite\", which needs " + AddSqlite, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("websocket:messageHandling:strategy is \"database\"", StringComparison.Ordinal) && f.Contains(AddSqlite, StringComparison.Ordinal));
    }

    [Fact]
    public void PostgreSqlDatabase_NeedsNoSqliteDatabaseProvider_OnlyTheSpool()
    {
        var failures = Failures(
            h => { h.Strategy = "database"; h.DatabaseProvider = "postgresql"; h.DatabaseConnectionString = "Host=db"; },
            b => b.AddDatabaseProvider("postgresql", Npgsql.NpgsqlFactory.Instance),
            sqlite: false);

        Assert.Equal(
            $"websocket:messageHandling:strategy is \"database\" with enableReceiving on: incoming messages wait in a durable spool until every strategy has handled them, and the spool needs {AddSqlite}.",
            Assert.Single(failures));
    }

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
