using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket.Sqlite;
using Notify.WebSocket.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the embedded SQLite storage of Notify.WebSocket.</summary>
public static class SqliteWebSocketNotificationsBuilderExtensions
{
    /// <summary>
    /// Adds SQLite storage: the durable spool incoming messages wait in until every strategy has handled them
    /// (<c>messageHandling:spoolPath</c>), and SQLite as the database strategy's <c>databaseProvider</c> <c>sqlite</c>
    /// (<c>messageHandling:databasePath</c>). Calling it again is harmless.
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddSqlite(this IWebSocketNotificationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(IMessageSpoolStore) && d.ImplementationType == typeof(SqliteMessageSpoolStore)))
        {
            return builder;
        }

        builder.Services.TryAddSingleton<IMessageSpoolStore, SqliteMessageSpoolStore>();
        return builder.AddDatabaseProvider("sqlite", SqliteFactory.Instance);
    }
}
