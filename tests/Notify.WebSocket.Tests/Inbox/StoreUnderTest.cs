using Microsoft.Data.Sqlite;
using Notify.WebSocket.Handling.Database;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Storage;
using Npgsql;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>A built-in store on a real database: a fresh SQLite file, or fresh tables (own prefix) in a real PostgreSQL.</summary>
internal sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly string? _directory;

    private StoreUnderTest(NotificationInboxOptions options, string? directory)
    {
        Options = options;
        _directory = directory;
    }

    public NotificationInboxOptions Options { get; }

    public static StoreUnderTest Sqlite(Action<NotificationInboxOptions>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("notify-inbox-").FullName;
        var options = new NotificationInboxOptions { DatabasePath = Path.Combine(directory, "inbox.db") };
        configure?.Invoke(options);
        return new StoreUnderTest(options, directory);
    }

    public static StoreUnderTest PostgreSql(string connectionString, Action<NotificationInboxOptions>? configure = null)
    {
        var options = new NotificationInboxOptions
        {
            DatabaseProvider = "postgresql",
            ConnectionString = connectionString,
            TablePrefix = "t" + Guid.NewGuid().ToString("N")[..10] + "_",
        };
        configure?.Invoke(options);
        return new StoreUnderTest(options, directory: null);
    }

    public static DatabaseProviderRegistration[] Providers => [new("sqlite", SqliteFactory.Instance), new("postgresql", NpgsqlFactory.Instance)];

    /// <summary>A new store instance on the same database (as a second process would open it).</summary>
    public async Task<INotificationStore> OpenAsync()
    {
        var store = InboxStoreFactory.Create(Options, Providers);
        await store.InitializeAsync();
        return store;
    }

    /// <summary>Runs SQL on the database directly, as another program would.</summary>
    public async Task ExecuteAsync(string sql)
    {
        var dialect = InboxDialect.For(Options.DatabaseProvider)!;
        var factory = Providers.Single(p => InboxDialect.For(p.Name) == dialect).Factory;
        await using var source = factory.CreateDataSource(InboxStoreFactory.ConnectionString(Options, dialect));
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }

        return ValueTask.CompletedTask;
    }
}
