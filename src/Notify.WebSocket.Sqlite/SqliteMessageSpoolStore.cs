using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Sqlite;

/// <summary>Spools to SQLite files: <c>messageHandling:spoolPath</c>, by default <c>notify-websocket-spool.db</c> in the application's base directory.</summary>
internal sealed class SqliteMessageSpoolStore : IMessageSpoolStore
{
    public const string DefaultFileName = "notify-websocket-spool.db";

    public string GetLocation(MessageHandlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(options.SpoolPath)
            ? Path.Combine(AppContext.BaseDirectory, DefaultFileName)
            : options.SpoolPath);
    }

    public bool Exists(string location) => File.Exists(location);

    public IMessageSpool Open(string location) => new SqliteMessageSpool(location);
}
