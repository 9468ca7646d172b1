using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>
/// A throw-away PostgreSQL cluster (initdb + pg_ctl, via <c>runuser -u postgres</c> when running as root) on a free
/// loopback port, shared by the tests of a class and removed afterwards. Without the binaries the tests skip locally
/// (naming the apt package) and fail under CI=true.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _directory;
    private string? _binaries;

    public string? ConnectionString { get; private set; }

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _binaries = FindBinaries();
        if (_binaries is null)
        {
            Unavailable = "PostgreSQL server binaries (initdb, pg_ctl) were not found; install them with `apt-get install -y postgresql`.";
            return;
        }

        _directory = Directory.CreateTempSubdirectory("notify-ws-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", _directory]);
        }

        var data = Path.Combine(_directory, "data");
        var port = FreePort();
        await RunAsync(Tool("initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"], asRoot);
        await RunAsync(Tool("pg_ctl"), ["-D", data, "-w", "-l", Path.Combine(_directory, "log"), "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {_directory} -c fsync=off", "start"], asRoot);
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    /// <summary>Skips (locally) or fails (CI=true) when no server could be started.</summary>
    public string Require()
    {
        if (ConnectionString is not null)
        {
            return ConnectionString;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Unavailable);
        }

        Assert.Skip(Unavailable!);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null || _binaries is null)
        {
            return;
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        if (ConnectionString is not null)
        {
            await RunAsync(Tool("pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static string? FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            : [];
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        return candidates.Concat(path).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Tool(string name) => Path.Combine(_binaries!, name);

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres = false)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output} {await error}");
        }
    }
}
