using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool.AppendLog;

/// <summary>
/// The default <see cref="IMessageSpoolStore"/>: an append-only log in the folder <c>messageHandling:spoolPath</c>, by
/// default <c>spool</c> in the application's data folder (see <see cref="ApplicationDataFolder"/>).
/// </summary>
internal sealed class LogSpoolStore : IMessageSpoolStore
{
    public string GetLocation(MessageHandlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(options.SpoolPath)
            ? Path.Combine(ApplicationDataFolder.Path, "spool")
            : options.SpoolPath);
    }

    public bool Exists(string location) => Directory.Exists(location) && Directory.EnumerateFiles(location, "*.log").Any();

    public IMessageSpool Open(string location) => new LogSpool(location);
}
