using System.Data.Common;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Handling.Database;

namespace Notify.WebSocket.Inbox;

/// <summary>Makes the built-in store from the options: the registered ADO.NET provider of the chosen dialect, over the configured database.</summary>
internal static class InboxStoreFactory
{
    /// <summary>How long a SQLite command waits for a database another connection has locked before it fails (then a send fails with WEBSOCKET_STORE_UNAVAILABLE).</summary>
    private const int SqliteBusyTimeoutSeconds = 5;

    /// <summary>The SQLite file when neither a path nor a connection string is configured: in the application's data folder.</summary>
    public static string DefaultSqlitePath => Path.Combine(ApplicationDataFolder.Path, NotificationInboxOptions.DefaultFileName);

    public static AdoNetNotificationStore Create(NotificationInboxOptions options, IEnumerable<DatabaseProviderRegistration> providers)
    {
        var dialect = InboxDialect.For(options.DatabaseProvider)
            ?? throw new InvalidOperationException($"{options.KeyPath}:databaseProvider \"{options.DatabaseProvider}\" is not supported.");
        var factory = providers.LastOrDefault(p => InboxDialect.For(p.Name) == dialect)?.Factory
            ?? throw new InvalidOperationException($"No ADO.NET provider is registered for the inbox's {dialect.Name} database.");
        return new AdoNetNotificationStore(factory.CreateDataSource(ConnectionString(options, dialect)), new InboxSql(dialect, options.TablePrefix));
    }

    /// <summary>The connection string; for SQLite without one, the database file (its folder created).</summary>
    public static string ConnectionString(NotificationInboxOptions options, InboxDialect dialect)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString) || dialect != InboxDialect.Sqlite)
        {
            return options.ConnectionString ?? string.Empty;
        }

        var path = SqlitePath(options);
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return new DbConnectionStringBuilder { ["Data Source"] = path, ["Default Timeout"] = SqliteBusyTimeoutSeconds }.ConnectionString;
    }

    /// <summary>The SQLite file: <see cref="NotificationInboxOptions.DatabasePath"/>, or the default when it is not set or empty.</summary>
    /// <exception cref="ArgumentException">The path has characters no path may have (validation reports it at start).</exception>
    public static string SqlitePath(NotificationInboxOptions options) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(options.DatabasePath) ? DefaultSqlitePath : options.DatabasePath);
}
