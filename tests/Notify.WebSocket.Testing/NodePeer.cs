using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Notify.WebSocket.Testing;

/// <summary>
/// A reference Node server from tests/peers, started on 127.0.0.1 with a random port (or a given one, to restart on
/// the same port), controlled over its HTTP API, and killed with the test. Installs the peers' npm packages on first
/// use when CI has not already (<c>npm ci</c>).
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    private readonly string _script;
    private string[] _arguments;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;

    private NodePeer(string script, string[] arguments)
    {
        _script = script;
        _arguments = arguments;
    }

    public int Port { get; private set; }

    public Uri WsUrl(string path = "/ws") => new($"ws://127.0.0.1:{Port}{path}");

    public Uri HttpUrl(string path = "") => new($"http://127.0.0.1:{Port}{path}");

    public static async Task<NodePeer> StartAsync(string script, params string[] arguments)
    {
        await EnsureInstalledAsync();
        var peer = new NodePeer(script, arguments);
        await peer.LaunchAsync(port: 0);
        return peer;
    }

    /// <summary>Kills the server process at once (no close handshake), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Freezes the server process (SIGSTOP): its sockets stay open but nothing is sent or answered, like a hung peer.</summary>
    public Task SuspendAsync() => SignalAsync("-STOP");

    /// <summary>Lets a suspended server run again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>Starts the server again on the same port.</summary>
    public Task RestartAsync() => LaunchAsync(Port);

    /// <summary>Starts the server again on the same port, with other arguments (for example without acknowledgments).</summary>
    public Task RestartAsync(params string[] arguments)
    {
        _arguments = arguments;
        return LaunchAsync(Port);
    }

    public async Task<JsonElement> GetAsync(string path) =>
        await _http.GetFromJsonAsync<JsonElement>(HttpUrl(path));

    public async Task<JsonElement> PostAsync(string path, object? body = null)
    {
        using var response = await _http.PostAsJsonAsync(HttpUrl(path), body ?? new { });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _http.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Installs tests/peers' npm packages (<c>npm ci</c>) unless they are there.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed || Directory.Exists(Path.Combine(RepositoryPaths.Peers, "node_modules")))
            {
                _installed = true;
                return;
            }

            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = RepositoryPaths.Peers })!;
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {RepositoryPaths.Peers} failed with exit code {npm.ExitCode}.");
            }

            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private async Task LaunchAsync(int port)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Peers,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(_script);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A restarted server can find the port still held for a moment by the killed one.
        for (var attempt = 0; ; attempt++)
        {
            var process = Process.Start(info)!;
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
            if (line is not null)
            {
                _process = process;
                Port = JsonDocument.Parse(line).RootElement.GetProperty("port").GetInt32();
                return;
            }

            await process.WaitForExitAsync();
            process.Dispose();
            if (attempt == 20)
            {
                throw new InvalidOperationException($"node {_script} did not start on port {port}.");
            }

            await Task.Delay(50);
        }
    }
}
