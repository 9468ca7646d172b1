namespace Notify.WebSocket.Testing;

public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Peers => Path.Combine(Root, "tests", "peers");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Notify.WebSocket.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Notify.WebSocket.sln) above " + AppContext.BaseDirectory);
    }
}
