using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// One <see cref="DbDataSource"/> per configured database (shared by every tenant that names it) and the table created
/// once per data source and table, idempotently.
/// </summary>
internal sealed class NotificationsDatabases(IEnumerable<DatabaseProviderRegistration> providers, ILogger<NotificationsDatabases> logger) : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<(string Provider, string ConnectionString), DbDataSource> _sources = new();
    private readonly ConcurrentDictionary<DbDataSource, NotificationsWriter> _writers = new();
    private readonly ConcurrentDictionary<(DbDataSource Source, string Table), Lazy<Task>> _schemas = new();

    // A tenant's options object lives until its configuration changes: resolving its writer once, not per message,
    // keeps connection-string building and three lookups off the hot path.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<MessageHandlingOptions, NotificationsWriter> _resolved = [];

    /// <summary>
    /// The connection string of the configured database: <c>databaseConnectionString</c>, else the SQLite file
    /// <c>databasePath</c> (by default <c>notifications.db</c> in the application's data folder), whose waits for a lock
    /// are bounded by <c>databaseBusyTimeout</c>. Null for another provider without a connection string.
    /// </summary>
    public static string? ConnectionString(MessageHandlingOptions handling)
    {
        if (!string.IsNullOrWhiteSpace(handling.DatabaseConnectionString))
        {
            return handling.DatabaseConnectionString;
        }

        if (NotificationsDialect.For(handling.DatabaseProvider) != NotificationsDialect.Sqlite)
        {
            return null;
        }

        return new DbConnectionStringBuilder
        {
            ["Data Source"] = Path.GetFullPath(string.IsNullOrWhiteSpace(handling.DatabasePath) ? DefaultSqlitePath : handling.DatabasePath),
            ["Default Timeout"] = Math.Max(1, (int)Math.Ceiling(handling.DatabaseBusyTimeout / 1000.0)),
        }.ConnectionString;
    }

    /// <summary>Where the SQLite notifications database is when <c>databasePath</c> is not set.</summary>
    public static string DefaultSqlitePath => Path.Combine(ApplicationDataFolder.Path, "notifications.db");

    /// <summary>The ADO.NET provider registered for <paramref name="provider"/> (SQLite's by <c>.AddSqlite()</c>, others by <c>.AddDatabaseProvider</c>).</summary>
    public DbProviderFactory? Factory(string provider) =>
        providers.LastOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase))?.Factory;

    /// <summary>The group-commit writer of the configured database, its table created.</summary>
    public ValueTask<NotificationsWriter> GetAsync(MessageHandlingOptions handling, CancellationToken cancellationToken) =>
        _resolved.TryGetValue(handling, out var writer) ? new ValueTask<NotificationsWriter>(writer) : ResolveAsync(handling, cancellationToken);

    private async ValueTask<NotificationsWriter> ResolveAsync(MessageHandlingOptions handling, CancellationToken cancellationToken)
    {
        var dialect = NotificationsDialect.For(handling.DatabaseProvider)
            ?? throw new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, $"messageHandling:databaseProvider \"{handling.DatabaseProvider}\" is not supported.", retryable: false);
        var connectionString = ConnectionString(handling)
            ?? throw new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, "messageHandling:databasePath or messageHandling:databaseConnectionString is not set.", retryable: false);
        var factory = Factory(handling.DatabaseProvider)
            ?? throw new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, $"No ADO.NET provider is registered for \"{handling.DatabaseProvider}\".", retryable: false);
        var source = _sources.GetOrAdd((dialect.Name, connectionString), key => Create(factory, key.ConnectionString, handling));

        var schema = _schemas.GetOrAdd((source, handling.DatabaseTable), key => new Lazy<Task>(() => CreateTableAsync(key.Source, dialect, key.Table)));
        try
        {
            await schema.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (schema.Value.IsFaulted)
        {
            _schemas.TryRemove(new KeyValuePair<(DbDataSource, string), Lazy<Task>>((source, handling.DatabaseTable), schema));
            throw;
        }

        var writer = _writers.GetOrAdd(source, s => new NotificationsWriter(s, dialect));
        _resolved.AddOrUpdate(handling, writer);
        return writer;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        _writers.Clear();
        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        _sources.Clear();
    }

    private static DbDataSource Create(DbProviderFactory factory, string connectionString, MessageHandlingOptions handling)
    {
        // SQLite creates the file but not its directory.
        if (string.IsNullOrWhiteSpace(handling.DatabaseConnectionString) && Path.GetDirectoryName(Path.GetFullPath(handling.DatabasePath!)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return factory.CreateDataSource(connectionString);
    }

    private async Task CreateTableAsync(DbDataSource source, NotificationsDialect dialect, string table)
    {
        var command = source.CreateCommand(dialect.CreateTable(table));
        await using var disposeCommand = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        Log.NotificationsSchemaEnsured(logger, table, dialect.Name);
    }
}
