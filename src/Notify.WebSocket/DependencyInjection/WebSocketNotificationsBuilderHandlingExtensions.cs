using System.Data.Common;
using Notify.WebSocket;
using Notify.WebSocket.Handling.Database;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Options of the incoming-message strategies that need code, not configuration.</summary>
public static class WebSocketNotificationsBuilderHandlingExtensions
{
    /// <summary>
    /// Registers the ADO.NET provider the database strategy uses for <c>messageHandling:databaseProvider</c>
    /// <paramref name="name"/>: <c>postgresql</c> (for example <c>NpgsqlFactory.Instance</c>) or <c>sqlite</c> (which
    /// <c>.AddSqlite()</c> of the Notify.WebSocket.Sqlite package registers).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name"><c>postgresql</c> or <c>sqlite</c>: it chooses the SQL dialect.</param>
    /// <param name="factory">The provider's factory.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a supported dialect.</exception>
    public static IWebSocketNotificationsBuilder AddDatabaseProvider(this IWebSocketNotificationsBuilder builder, string name, DbProviderFactory factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (NotificationsDialect.For(name) is null)
        {
            throw new ArgumentException($"\"{name}\" is not a supported database; use \"{MessageHandlingDefaults.PostgreSqlProvider}\" or \"{MessageHandlingDefaults.SqliteProvider}\".", nameof(name));
        }

        builder.Services.AddSingleton(new DatabaseProviderRegistration(name, factory));
        return builder;
    }
}
