using Microsoft.Extensions.DependencyInjection;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Notify.WebSocket.Handling.Tests.TestSupport;
using Npgsql;

namespace Notify.WebSocket.Handling.Tests;

public sealed class DatabaseStrategyTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Sqlite_StoresOneRowPerMessage_WithTheProvidersTenant_AndARedeliveryDoesNotDuplicate()
    {
        using var files = new TempFiles();
        var database = files.Path("data/notifications.db");
        await using var harness = HandlingHarness.Create(h =>
        {
            h.Strategy = "database";
            h.DatabasePath = database;
            h.SpoolPath = files.Path("spool");
        });

        await AssertStoresAsync(harness, SqliteFactory.Instance.CreateDataSource($"Data Source={database}"));
    }

    [Fact]
    public async Task PostgreSql_StoresOneRowPerMessage_WithTheProvidersTenant_AndARedeliveryDoesNotDuplicate()
    {
        var connectionString = postgres.Require();
        using var files = new TempFiles();
        var table = "notifications_" + Guid.NewGuid().ToString("N")[..8];
        await using var harness = HandlingHarness.Create(
            h =>
            {
                h.Strategy = "database";
                h.DatabaseProvider = "postgresql";
                h.DatabaseConnectionString = connectionString;
                h.DatabaseTable = table;
                h.SpoolPath = files.Path("spool");
            },
            builder: b => b.AddDatabaseProvider("postgresql", NpgsqlFactory.Instance));

        await using var source = NpgsqlDataSource.Create(connectionString);
        await AssertStoresAsync(harness, source);
    }

    private static async Task AssertStoresAsync(HandlingHarness harness, DbDataSource verify)
    {
        var table = harness.Options.MessageHandling.DatabaseTable;
        var pipeline = harness.StartPipeline("tenant-42");
        pipeline.TryEnqueue(Messages.Create("db-1", tenantId: "tenant-42"));
        pipeline.TryEnqueue(Messages.Create("db-2", @event: "status:changed", tenantId: "tenant-42", data: """{"status":"online"}"""));
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "both messages were stored");

        // A redelivery (the strategy runs again for the same id, as after a crash) must not add a row.
        var strategy = pipeline.Strategies.Single();
        await strategy.HandleAsync(Messages.Create("db-1", tenantId: "tenant-42"), TestContext.Current.CancellationToken);
        await pipeline.DisposeAsync();

        await using var command = verify.CreateCommand($"SELECT id, tenant_id, channel, event, subject, body, metadata, source_url, source_protocol, received_at FROM {table} ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<object[]>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        Assert.Equal(2, rows.Count);
        var first = rows[0];
        Assert.Equal("db-1", first[0]);
        Assert.Equal("tenant-42", first[1]);
        Assert.Equal("websocket", first[2]);
        Assert.Equal("message:received", first[3]);
        Assert.Equal("WebSocket: message:received", first[4]);
        Assert.Equal("hello", JsonDocument.Parse((string)first[5]).RootElement.GetProperty("text").GetString());
        Assert.Equal("2025-01-08T18:59:59.000Z", JsonDocument.Parse((string)first[6]).RootElement.GetProperty("serverTimestamp").GetString());
        Assert.Equal("wss://external-service.com/ws", first[7]);
        Assert.Equal("ws", first[8]);
        var receivedAt = first[9] switch
        {
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
            var other => throw new InvalidOperationException(other.GetType().Name),
        };
        Assert.Equal(new DateTimeOffset(2025, 1, 8, 19, 0, 0, 123, TimeSpan.Zero), receivedAt);
        Assert.Equal("online", JsonDocument.Parse((string)rows[1][5]).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Schema_CreationIsIdempotent_AcrossContainers()
    {
        using var files = new TempFiles();
        var database = files.Path("notifications.db");
        for (var run = 0; run < 2; run++)
        {
            await using var harness = HandlingHarness.Create(h => { h.Strategy = "database"; h.DatabasePath = database; h.SpoolPath = files.Path("spool"); });
            var pipeline = harness.StartPipeline();
            pipeline.TryEnqueue(Messages.Create("run-" + run));
            await Eventually.TrueAsync(() => pipeline.Pending == 0, "the message was stored");
            await pipeline.DisposeAsync();
        }

        await using var source = SqliteFactory.Instance.CreateDataSource($"Data Source={database}");
        await using var count = source.CreateCommand("SELECT COUNT(*) FROM notifications");
        Assert.Equal(2L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
