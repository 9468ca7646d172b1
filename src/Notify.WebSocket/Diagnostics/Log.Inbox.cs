using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Diagnostics;

/// <summary>The notification inbox (6xxx): journal, store, replay and retention. Never logs a connection string.</summary>
internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Error, "The notification store ({Provider}) is unavailable: {Count} notification(s) were not stored and their sends failed with WEBSOCKET_STORE_UNAVAILABLE ({Suppressed} more failures not logged since the last report)")]
    public static partial void StoreAppendFailed(ILogger logger, Exception exception, string provider, int count, int suppressed);

    [LoggerMessage(6002, LogLevel.Warning, "A notification journal listener failed; the notifications are stored and reach their followers through replay")]
    public static partial void JournalListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(6003, LogLevel.Information, "Notification inbox ready: {Provider} store, tables {Tables}*, retention {MaxAge} and {MaxPerStream} per stream")]
    public static partial void InboxReady(ILogger logger, string provider, string tables, TimeSpan maxAge, int maxPerStream);

    [LoggerMessage(6004, LogLevel.Debug, "Inbox retention removed {Count} notification(s)")]
    public static partial void InboxTrimmed(ILogger logger, long count);

    [LoggerMessage(6005, LogLevel.Warning, "Inbox retention failed; it runs again in {Interval} ({Suppressed} more failures not logged since the last report)")]
    public static partial void InboxTrimFailed(ILogger logger, Exception exception, TimeSpan interval, int suppressed);

    [LoggerMessage(6006, LogLevel.Warning, "The notification store ({Provider}) failed; operation: {Operation} ({Suppressed} more failures not logged since the last report)")]
    public static partial void StoreCallFailed(ILogger logger, Exception exception, string provider, string operation, int suppressed);

    [LoggerMessage(6008, LogLevel.Warning, "The notification store ({Provider}) did not finish storing within {Grace} of shutting down; what it still held is cancelled and those sends fail with WEBSOCKET_STORE_UNAVAILABLE")]
    public static partial void StoreStuckAtShutdown(ILogger logger, string provider, TimeSpan grace);

    [LoggerMessage(6007, LogLevel.Warning, "Replaying stream {Stream} for connection {ConnectionId} failed; the connection is closed so that its client reconnects and replays again")]
    public static partial void ReplayFailed(ILogger logger, Exception exception, string stream, string connectionId);
}
