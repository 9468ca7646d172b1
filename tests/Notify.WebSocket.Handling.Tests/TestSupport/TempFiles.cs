namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>A fresh directory for spool and database files, removed with the test.</summary>
internal sealed class TempFiles : IDisposable
{
    public TempFiles() => Directory = System.IO.Directory.CreateTempSubdirectory("notify-ws-handling-").FullName;

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
