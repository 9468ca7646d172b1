namespace Notify.WebSocket.Storage;

/// <summary>
/// Where incoming messages wait, durably, from the moment they are accepted until every handling strategy has handled
/// them: the spool. A storage package provides it (<c>Notify.WebSocket.Sqlite</c>, added with <c>.AddSqlite()</c>);
/// without one, a configuration that receives messages into a strategy stops the host at start.
/// </summary>
/// <remarks>
/// The incoming pipeline opens one <see cref="IMessageSpool"/> per <see cref="GetLocation(MessageHandlingOptions)"/>,
/// shares it among every tenant and configuration that names the same location, and disposes it with the last of them.
/// It serializes the messages itself and keeps track of which pending messages a pipeline of this process is handling,
/// so a store only stores.
/// </remarks>
public interface IMessageSpoolStore
{
    /// <summary>Where the spool of a configuration lives (for SQLite, the full path of its <c>spoolPath</c>).</summary>
    /// <param name="options">The provider's <c>messageHandling</c> options.</param>
    /// <returns>A location: equal strings are one spool. It appears in logs, so it must not contain a secret.</returns>
    string GetLocation(MessageHandlingOptions options);

    /// <summary>Whether a spool exists at <paramref name="location"/>, without creating one.</summary>
    /// <param name="location">A location from <see cref="GetLocation(MessageHandlingOptions)"/>.</param>
    /// <returns><see langword="true"/> when there may be messages left there by an earlier process.</returns>
    bool Exists(string location);

    /// <summary>Opens the spool at <paramref name="location"/>, creating it when needed.</summary>
    /// <param name="location">A location from <see cref="GetLocation(MessageHandlingOptions)"/>.</param>
    /// <returns>The open spool; the caller disposes it.</returns>
    IMessageSpool Open(string location);
}
