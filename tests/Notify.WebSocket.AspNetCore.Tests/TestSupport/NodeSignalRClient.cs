using System.Diagnostics;
using System.Text.Json;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// The official JavaScript client (@microsoft/signalr in Node, tests/peers/signalr-client.mjs) driven line by line:
/// what it receives is recorded, and a test awaits the next matching line.
/// </summary>
internal sealed class NodeSignalRClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly AwaitableLog<JsonElement> _lines = new();
    private readonly Task _reader;

    private NodeSignalRClient(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Starts the client and waits until it is connected (or refused).</summary>
    /// <returns>The client; <see cref="Started"/> says whether the connection was made.</returns>
    public static async Task<NodeSignalRClient> StartAsync(Uri hubUrl, string? token, string transport = "websockets")
    {
        await NodePeer.EnsureInstalledAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Peers,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "signalr-client.mjs", "--url", hubUrl.ToString(), "--transport", transport })
        {
            info.ArgumentList.Add(argument);
        }

        if (token is not null)
        {
            info.ArgumentList.Add("--token");
            info.ArgumentList.Add(token);
        }

        var client = new NodeSignalRClient(Process.Start(info)!);
        var first = await client.NextAsync(l => Type(l) is "started" or "start-failed");
        client.Started = Type(first) == "started";
        return client;
    }

    public bool Started { get; private set; }

    /// <summary>Sends an invocation without an id (the client's <c>send</c>): nothing but the gateway itself can answer it.</summary>
    /// <param name="method">The hub method.</param>
    /// <param name="argumentsJson">The arguments as a JSON array, parsed by JSON.parse in Node (so <c>"\ud800"</c> is a lone surrogate).</param>
    public Task SendAsync(string method, string argumentsJson) =>
        WriteAsync($$"""{"op":"send","method":{{JsonSerializer.Serialize(method)}},"args":{{argumentsJson}}}""");

    public Task JoinAsync(string channel) => SendAsync("channel:join", JsonSerializer.Serialize(new[] { new { channelName = channel } }));

    public Task StopAsync() => WriteAsync("""{"op":"stop"}""");

    /// <summary>The next not yet awaited event named <paramref name="name"/> that matches; returns its body.</summary>
    public async Task<JsonElement> EventAsync(string name, Func<JsonElement, bool>? match = null) =>
        (await NextAsync(l => Type(l) == "event" && l.GetProperty("name").GetString() == name && (match is null || match(l.GetProperty("body"))))).GetProperty("body");

    /// <summary>Waits until the connection closed.</summary>
    public Task<JsonElement> ClosedAsync() => NextAsync(l => Type(l) == "closed");

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

    private static string? Type(JsonElement line) => line.GetProperty("type").GetString();

    private async Task WriteAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    private Task<JsonElement> NextAsync(Func<JsonElement, bool> match) =>
        _lines.NextAsync(match, consume: true, "matching line from the Node client", l => l.GetRawText());

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            _lines.Add(document.RootElement.Clone());
        }
    }
}
