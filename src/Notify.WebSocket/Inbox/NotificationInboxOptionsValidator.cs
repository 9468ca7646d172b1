using System.Globalization;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Handling.Database;

namespace Notify.WebSocket.Inbox;

/// <summary>Validates the inbox options at start, listing every problem at once by key path, with the fix.</summary>
internal sealed class NotificationInboxOptionsValidator(IEnumerable<DatabaseProviderRegistration> providers, IEnumerable<CustomInboxStore> customStores)
    : IValidateOptions<NotificationInboxOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationInboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.BindingErrors);
        var path = options.KeyPath;

        // A store the host registered itself decides where notifications go: the database settings are not used.
        if (!customStores.Any())
        {
            ValidateDatabase(options, path, errors);
        }

        if (options.MaxAge <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"{path}:maxAge is {options.MaxAge}; it must be a positive duration, such as \"30.00:00:00\"."));
        }

        if (options.RetentionInterval <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"{path}:retentionInterval is {options.RetentionInterval}; it must be a positive duration, such as \"00:01:00\"."));
        }

        Range(errors, path, "maxPerStream", options.MaxPerStream, 1, int.MaxValue);
        Range(errors, path, "maxBatchSize", options.MaxBatchSize, 1, 4096);
        Range(errors, path, "replayBatchSize", options.ReplayBatchSize, 1, 10_000);
        Range(errors, path, "connectionBufferCapacity", options.ConnectionBufferCapacity, 16, 1_000_000);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateDatabase(NotificationInboxOptions options, string path, List<string> errors)
    {
        var dialect = InboxDialect.For(options.DatabaseProvider);
        if (dialect is null)
        {
            errors.Add($"{path}:databaseProvider is \"{options.DatabaseProvider}\"; use \"sqlite\" or \"postgresql\".");
        }
        else if (!providers.Any(p => InboxDialect.For(p.Name) == dialect))
        {
            errors.Add(dialect == InboxDialect.Sqlite
                ? $"{path}:databaseProvider is \"sqlite\" but SQLite is not added; add the Notify.WebSocket.Sqlite package and call .AddSqlite() on the builder AddWebSocketNotifications returns."
                : $"{path}:databaseProvider is \"postgresql\" but no ADO.NET provider is registered for it; call .AddDatabaseProvider(\"postgresql\", NpgsqlFactory.Instance) on the builder AddWebSocketNotifications returns.");
        }

        if (dialect == InboxDialect.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{path}:connectionString is required when databaseProvider is \"postgresql\"; set it to the database's connection string (Host=…;Database=…).");
        }
        else if (!string.IsNullOrWhiteSpace(options.ConnectionString)
            && providers.LastOrDefault(p => InboxDialect.For(p.Name) == dialect)?.Factory is { } factory
            && ConnectionStrings.Problem(factory, options.ConnectionString) is { } refused)
        {
            errors.Add($"{path}:connectionString: {refused}; correct it (keys and values as its provider documents them, such as Host=…;Port=5432;Database=…).");
        }

        if (dialect == InboxDialect.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString) && SqliteFileProblem(options) is { } problem)
        {
            errors.Add($"{path}:databasePath: {problem}; set it to a file in a writable folder, such as \"data/inbox.db\", or remove it for the default.");
        }
        else if (dialect == InboxDialect.Sqlite && !string.IsNullOrWhiteSpace(options.ConnectionString)
            && providers.LastOrDefault(p => InboxDialect.For(p.Name) == dialect)?.Factory is { } sqlite
            && SqliteDataSourceProblem(sqlite, options.ConnectionString) is { } sourceProblem)
        {
            errors.Add($"{path}:connectionString: {sourceProblem}; give a Data Source file in a writable folder, such as \"Data Source=data/inbox.db\".");
        }

        if (!InboxSql.IsValidPrefix(options.TablePrefix))
        {
            errors.Add($"{path}:tablePrefix is \"{options.TablePrefix}\"; use letters, digits and _ (starting with a letter or _), with at most one schema dot, such as \"inbox_\".");
        }
    }

    private static string? SqliteFileProblem(NotificationInboxOptions options) => FileProblem(() => InboxStoreFactory.SqlitePath(options), out _);

    /// <summary>
    /// The file a SQLite connection string opens, checked as <c>databasePath</c> is (only the path is shown: the rest of
    /// a connection string may hold a secret). In-memory data sources and read-only modes are not checked.
    /// </summary>
    private static string? SqliteDataSourceProblem(System.Data.Common.DbProviderFactory factory, string connectionString)
    {
        System.Data.Common.DbConnectionStringBuilder builder;
        try
        {
            builder = factory.CreateConnectionStringBuilder() ?? new System.Data.Common.DbConnectionStringBuilder();
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return null; // reported above, as a connection string its provider refuses
        }

        var source = builder.TryGetValue("Data Source", out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        var mode = builder.TryGetValue("Mode", out var m) ? Convert.ToString(m, CultureInfo.InvariantCulture) : null;
        if (string.IsNullOrWhiteSpace(source) || source.StartsWith(':')
            || mode is not null && (mode.Equals("Memory", StringComparison.OrdinalIgnoreCase) || mode.Equals("ReadOnly", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var path = source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? UriFilePath(source) : source;
        if (path is null)
        {
            return null;
        }

        return FileProblem(() => Path.GetFullPath(path), out var file) is { } problem ? $"its Data Source {file ?? path}: {problem}" : null;
    }

    /// <summary>
    /// The file a SQLite URI data source (<c>file:path?query</c>, RFC 8089 as SQLite reads it) writes, or null for one
    /// that writes no file here: in memory, read-only, immutable, a temporary database, or another host or VFS.
    /// </summary>
    private static string? UriFilePath(string uri)
    {
        var rest = uri["file:".Length..];
        var queryAt = rest.IndexOfAny(['?', '#']);
        var query = queryAt < 0 ? string.Empty : rest[(queryAt + 1)..];
        var path = queryAt < 0 ? rest : rest[..queryAt];
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            var authorityEnd = path.IndexOf('/', 2);
            var authority = authorityEnd < 0 ? path[2..] : path[2..authorityEnd];
            if (authority.Length > 0 && !authority.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return null; // SQLite refuses it when it opens; nothing to check here
            }

            path = authorityEnd < 0 ? string.Empty : path[authorityEnd..];
        }

        foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, setting) = parameter.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? (parameter[..at], parameter[(at + 1)..]) : (parameter, string.Empty);
            if ((key == "mode" && setting is "ro" or "memory") || (key == "immutable" && setting != "0") || key == "vfs")
            {
                return null;
            }
        }

        path = Uri.UnescapeDataString(path);
        return path.Length == 0 || path == ":memory:" ? null : path;
    }

    /// <summary>What keeps SQLite from creating and writing the file <paramref name="fullPath"/> gives (as <paramref name="file"/>), if anything.</summary>
    private static string? FileProblem(Func<string> fullPath, out string? file)
    {
        file = null;
        try
        {
            file = fullPath();
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "it is not a valid file path";
        }

        if (Path.GetFileName(file).Length == 0 || Directory.Exists(file))
        {
            return "it names a folder, not a file";
        }

        return ApplicationDataFolder.WritableProblem(Path.GetDirectoryName(file)!);
    }

    private static void Range(List<string> errors, string path, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(Invariant($"{path}:{key} is {value}; it must be between {min} and {max}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
