using System.Data.Common;
using Notify.WebSocket.Handling.Database;

namespace Notify.WebSocket.Inbox;

/// <summary>Makes the built-in store from the options: the registered ADO.NET provider of the chosen dialect, over the configured database.</summary>
internal static class InboxStoreFactory
{
    public static AdoNetNotificationStore Create(NotificationInboxOptions options, IEnumerable<DatabaseProviderRegistration> providers, string? applicationName)
    {
        var dialect = InboxDialect.For(options.DatabaseProvider)
            ?? throw new InvalidOperationException($"{options.KeyPath}:databaseProvider \"{options.DatabaseProvider}\" is not supported.");
        var factory = providers.LastOrDefault(p => InboxDialect.For(p.Name) == dialect)?.Factory
            ?? throw new InvalidOperationException($"No ADO.NET provider is registered for the inbox's {dialect.Name} database.");
        return new AdoNetNotificationStore(factory.CreateDataSource(ConnectionString(options, dialect, applicationName)), new InboxSql(dialect, options.TablePrefix));
    }

    /// <summary>The connection string; for SQLite without one, the database file (its folder created).</summary>
    public static string ConnectionString(NotificationInboxOptions options, InboxDialect dialect, string? applicationName)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString) || dialect != InboxDialect.Sqlite)
        {
            return options.ConnectionString ?? string.Empty;
        }

        var path = Path.GetFullPath(options.DatabasePath ?? DefaultPath(applicationName));
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return new DbConnectionStringBuilder { ["Data Source"] = path }.ConnectionString;
    }

    /// <summary>The application's own folder under the user's local application data (the base directory when there is none).</summary>
    public static string DefaultPath(string? applicationName)
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        var name = string.IsNullOrWhiteSpace(applicationName) ? "Notify.WebSocket" : string.Concat(applicationName.Split(Path.GetInvalidFileNameChars()));
        return string.IsNullOrEmpty(data)
            ? Path.Combine(AppContext.BaseDirectory, NotificationInboxOptions.DefaultFileName)
            : Path.Combine(data, name, NotificationInboxOptions.DefaultFileName);
    }
}
