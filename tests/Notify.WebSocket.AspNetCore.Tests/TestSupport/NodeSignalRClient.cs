using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// The official JavaScript client (@microsoft/signalr in Node, tests/peers/signalr-client.mjs) driven line by line:
/// what it receives is recorded, and a test awaits the next matching line.
/// </summary>
internal sealed class NodeSignalRClient : IAsyncDisposable
{
    private readonly NodeLineProcess _node;

    private NodeSignalRClient(NodeLineProcess node) => _node = node;

    /// <summary>Starts the client and waits until it is connected (or refused).</summary>
    /// <returns>The client; <see cref="Started"/> says whether the connection was made.</returns>
    public static async Task<NodeSignalRClient> StartAsync(Uri hubUrl, string? token, string transport = "websockets")
    {
        string[] arguments = token is null
            ? ["--url", hubUrl.ToString(), "--transport", transport]
            : ["--url", hubUrl.ToString(), "--transport", transport, "--token", token];
        var client = new NodeSignalRClient(await NodeLineProcess.StartAsync("signalr-client.mjs", arguments));
        var first = await client.NextAsync(l => Type(l) is "started" or "start-failed");
        client.Started = Type(first) == "started";
        return client;
    }

    public bool Started { get; private set; }

    /// <summary>Sends an invocation without an id (the client's <c>send</c>): nothing but the gateway itself can answer it.</summary>
    /// <param name="method">The hub method.</param>
    /// <param name="argumentsJson">The arguments as a JSON array, parsed by JSON.parse in Node (so <c>"\ud800"</c> is a lone surrogate).</param>
    public Task SendAsync(string method, string argumentsJson) =>
        _node.WriteLineAsync($$"""{"op":"send","method":{{JsonSerializer.Serialize(method)}},"args":{{argumentsJson}}}""");

    public Task JoinAsync(string channel) => SendAsync("channel:join", JsonSerializer.Serialize(new[] { new { channelName = channel } }));

    public Task StopAsync() => _node.WriteLineAsync("""{"op":"stop"}""");

    /// <summary>The next not yet awaited event named <paramref name="name"/> that matches; returns its body.</summary>
    public async Task<JsonElement> EventAsync(string name, Func<JsonElement, bool>? match = null) =>
        (await NextAsync(l => Type(l) == "event" && l.GetProperty("name").GetString() == name && (match is null || match(l.GetProperty("body"))))).GetProperty("body");

    /// <summary>Waits until the connection closed.</summary>
    public Task<JsonElement> ClosedAsync() => NextAsync(l => Type(l) == "closed");

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Lines() => _node.Lines();

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private static string? Type(JsonElement line) => line.GetProperty("type").GetString();

    private Task<JsonElement> NextAsync(Func<JsonElement, bool> match) => _node.NextAsync(match, "matching line from the Node client");
}
