using System.Reflection;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Where the library keeps what must outlive the process by default (the spool, the SQLite notifications database):
/// <c>{LocalApplicationData}/Notify.WebSocket/{application}</c> (on Linux <c>$XDG_DATA_HOME</c> or
/// <c>~/.local/share</c>), not the application's own folder, which is read-only in many containers.
/// </summary>
internal static class ApplicationDataFolder
{
    public static string Path { get; } = Resolve();

    /// <summary>Whether the folder can be created and written to, checked with a probe file; the problem, or null.</summary>
    public static string? WritableProblem(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = System.IO.Path.Combine(folder, ".notify-websocket-write-check-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"the folder {folder} cannot be written to ({ex.Message})";
        }
    }

    private static string Resolve()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            // No home folder (a service account without one): beside the application, as a last resort.
            root = AppContext.BaseDirectory;
        }

        var application = Assembly.GetEntryAssembly()?.GetName().Name ?? "application";
        foreach (var invalid in System.IO.Path.GetInvalidFileNameChars())
        {
            application = application.Replace(invalid, '_');
        }

        return System.IO.Path.Combine(root, "Notify.WebSocket", application);
    }
}
