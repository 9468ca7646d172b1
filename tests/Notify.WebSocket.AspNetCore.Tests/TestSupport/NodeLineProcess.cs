using System.Diagnostics;
using System.Text.Json;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// A Node script of tests/peers that reports what happens as JSON lines on stdout and takes commands as JSON lines on
/// stdin: every line is kept, and a test awaits the next matching one (never a sleep).
/// </summary>
internal sealed class NodeLineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly AwaitableLog<JsonElement> _lines = new();
    private readonly Task _reader;

    private NodeLineProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public static async Task<NodeLineProcess> StartAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await NodePeer.EnsureInstalledAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Peers,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new NodeLineProcess(Process.Start(info)!);
    }

    public Task WriteAsync(object command) => WriteLineAsync(JsonSerializer.Serialize(command));

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The next line not yet awaited that matches.</summary>
    public Task<JsonElement> NextAsync(Func<JsonElement, bool> match, string what) =>
        _lines.NextAsync(match, consume: true, what, l => l.GetRawText());

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Lines() => _lines.Entries();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _reader;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            _lines.Add(document.RootElement.Clone());
        }
    }
}
