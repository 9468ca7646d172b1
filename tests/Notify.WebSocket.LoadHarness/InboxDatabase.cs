using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.LoadHarness;

/// <summary>A fresh SQLite file for the inbox in a temporary folder, deleted afterwards.</summary>
internal sealed class InboxDatabase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("notify-harness-inbox-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "inbox.db");

    /// <summary>Adds the inbox on this file (SQLite, durable: every commit synced) to a notifications builder.</summary>
    public IWebSocketNotificationsBuilder AddTo(IWebSocketNotificationsBuilder builder) =>
        builder.AddNotificationInbox(o => o.DatabasePath = Path).AddSqlite();

    /// <summary>Deletes the folder (the scenario's teardown calls it).</summary>
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
