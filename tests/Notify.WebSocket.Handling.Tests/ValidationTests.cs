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
    public void StrategyNamedButNotAdded_FailsWithTheFix() =>
        Assert.Contains(
            "websocket:messageHandling:strategy is \"kafka\" but no strategy of that name is added; use one of \"none\", \"all\", \"callback\", \"database\", or add it on the builder AddWebSocketNotifications returns (AddHandlingStrategy, or the Add… method of the package that provides it).",
            Failures(h => h.Strategy = "kafka"));

    [Fact]
    public void PostgreSqlDatabase_WithoutAConnectionString_Fails() =>
        Assert.Contains(
            "websocket:messageHandling:databaseConnectionString is required when the database strategy uses \"postgresql\".",
            Failures(h => { h.Strategy = "database"; h.DatabaseProvider = "postgresql"; }, b => b.AddDatabaseProvider("postgresql", Npgsql.NpgsqlFactory.Instance)));

    [Fact]
    public void PostgreSql_WithoutARegisteredProvider_Fails() =>
        Assert.Contains(
            Failures(h => { h.Strategy = "database"; h.DatabaseProvider = "postgresql"; h.DatabaseConnectionString = "Host=db;Password=hunter2"; }),
            f => f.Contains("AddDatabaseProvider(\"postgresql\"", StringComparison.Ordinal) && !f.Contains("hunter2", StringComparison.Ordinal));

    [Fact]
    public void PostgreSql_WithAConnectionStringItsProviderRefuses_FailsByKey_WithoutThePassword() =>
        Assert.Contains(
            Failures(h => { h.Strategy = "database"; h.DatabaseProvider = "postgresql"; h.DatabaseConnectionString = "Host=db;Port=abc;Password=hunter2"; }, b => b.AddDatabaseProvider("postgresql", Npgsql.NpgsqlFactory.Instance)),
            f => f.StartsWith("websocket:messageHandling:databaseConnectionString: its ADO.NET provider refuses it", StringComparison.Ordinal) && !f.Contains("hunter2", StringComparison.Ordinal));

    [Fact]
    public async Task ReceivingIntoAStrategy_NeedsNoStoragePackage_TheSpoolIsBuiltIn()
    {
        using var files = new TempFiles();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWebSocketNotifications(o =>
        {
            o.Mode = WebSocketMode.External;
            o.Protocol = WebSocketProtocol.Ws;
            o.Url = "ws://127.0.0.1:9/ws";
            o.EnableReceiving = true;
            o.MessageHandling.Strategy = "callback";
            o.MessageHandling.CallbackUrl = "https://hooks.example.com/incoming";
            o.MessageHandling.SpoolPath = files.Path("spool");
        });
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void SpoolPath_ThatCannotBeWritten_StopsTheHostAtStart_NamingTheKey()
    {
        using var files = new TempFiles();
        var blocker = files.Path("a-file");
        File.WriteAllText(blocker, "not a folder");

        var failures = Failures(h => { h.Strategy = "callback"; h.CallbackUrl = "https://hooks.example.com/incoming"; h.SpoolPath = Path.Combine(blocker, "spool"); });

        Assert.Contains(failures, f => f.StartsWith("websocket:messageHandling:spoolPath: the folder ", StringComparison.Ordinal) && f.EndsWith("set it to a writable folder (messages wait there until every strategy has handled them).", StringComparison.Ordinal));
    }

    [Fact]
    public void SqliteDatabase_WithoutTheSqlitePackage_NamesThePackageAndTheLine()
    {
        var failures = Failures(h => { h.Strategy = "database"; h.DatabasePath = Path.Combine(Path.GetTempPath(), "notifications.db"); }, sqlite: false);

        Assert.Equal(
            "websocket:messageHandling:databaseProvider is \"sqlite\", which needs " + AddSqlite + " (or use \"postgresql\" with .AddDatabaseProvider(\"postgresql\", NpgsqlFactory.Instance)).",
            Assert.Single(failures));
    }

    [Fact]
    public async Task PostgreSqlDatabase_NeedsNoSqlitePackage()
    {
        await using var harness = HandlingHarness.Create(
            h => { h.Strategy = "database"; h.DatabaseProvider = "postgresql"; h.DatabaseConnectionString = "Host=db"; },
            b => b.AddDatabaseProvider("postgresql", Npgsql.NpgsqlFactory.Instance),
            sqlite: false);

        Assert.Equal("postgresql", harness.Options.MessageHandling.DatabaseProvider);
    }

    [Fact]
    public void All_ListsEveryStrategyNotSetUp_AtOnce()
    {
        var failures = Failures(h => { h.Strategy = "all"; h.CallbackUrl = "not a url"; h.StoreInDatabase = true; h.DatabaseProvider = "postgresql"; h.SpoolCapacity = 0; });

        Assert.Contains(failures, f => f.Contains("callbackUrl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("databaseConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("spoolCapacity is 0", StringComparison.Ordinal));
    }

    [Fact]
    public void All_WithNothingConfigured_Fails() =>
        Assert.Contains(Failures(h => h.Strategy = "all"), f => f.Contains("no strategy takes part", StringComparison.Ordinal));

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
