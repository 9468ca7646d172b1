using Microsoft.Data.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the embedded SQLite storage of Notify.WebSocket.</summary>
public static class SqliteWebSocketNotificationsBuilderExtensions
{
    /// <summary>
    /// Adds SQLite as the database strategy's <c>databaseProvider</c> <c>sqlite</c> (<c>messageHandling:databasePath</c>)
    /// and as the notification inbox's default store (<c>AddNotificationInbox</c>, <c>databaseProvider</c> <c>sqlite</c>).
    /// Calling it again is harmless. (The spool incoming messages wait in needs no package: it is built in.)
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSqlite(this IWebSocketNotificationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddDatabaseProvider("sqlite", SqliteFactory.Instance);
    }
}
