using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>How a Socket.IO test client presents its token.</summary>
public enum TokenIn
{
    /// <summary>The handshake's <c>auth: { token }</c> (the spec's client).</summary>
    Auth,

    /// <summary><c>Authorization: Bearer</c> on the HTTP requests.</summary>
    Header,

    /// <summary>The <c>access_token</c> query parameter.</summary>
    Query,
}

/// <summary>The official socket.io-client in Node (tests/peers/socketio-client.mjs), driven line by line.</summary>
internal sealed class NodeSocketIoClient : IAsyncDisposable
{
    private readonly NodeLineProcess _node;
    private int _nextAck;

    private NodeSocketIoClient(NodeLineProcess node) => _node = node;

    /// <summary>Starts the client; await <see cref="ConnectedAsync"/> or <see cref="ConnectErrorAsync"/>.</summary>
    public static async Task<NodeSocketIoClient> StartAsync(Uri url, string? token, TokenIn tokenIn = TokenIn.Auth, string transports = "polling,websocket", bool reconnection = false, string? authJson = null, string? queryJson = null)
    {
        var arguments = new List<string> { "--url", url.ToString(), "--transports", transports };
        if (authJson is not null)
        {
            arguments.Add("--auth");
            arguments.Add(authJson);
        }

        if (queryJson is not null)
        {
            arguments.Add("--query");
            arguments.Add(queryJson);
        }

        if (token is not null)
        {
            arguments.Add(tokenIn switch { TokenIn.Header => "--header-token", TokenIn.Query => "--query-token", _ => "--token" });
            arguments.Add(token);
        }

        if (reconnection)
        {
            arguments.Add("--reconnection");
        }

        return new NodeSocketIoClient(await NodeLineProcess.StartAsync("socketio-client.mjs", arguments));
    }

    /// <summary>Starts a client and waits until it is connected and its default channel joined (every test tenant has one).</summary>
    public static async Task<NodeSocketIoClient> ConnectAsync(Uri url, string token, string transports = "polling,websocket")
    {
        var client = await StartAsync(url, token, transports: transports);
        await client.ConnectedAsync();
        await client.EventAsync("channel:joined");
        return client;
    }

    public Task<JsonElement> ConnectedAsync() => NextAsync("connect");

    public Task<JsonElement> ConnectErrorAsync() => NextAsync("connect_error");

    public Task<JsonElement> DisconnectedAsync() => NextAsync("disconnect");

    public Task<JsonElement> NextAsync(string type, Func<JsonElement, bool>? match = null) =>
        _node.NextAsync(l => l.GetProperty("type").GetString() == type && (match is null || match(l)), $"'{type}' from socket.io-client");

    /// <summary>The next event named <paramref name="name"/> (not yet awaited) that matches; returns its body.</summary>
    public async Task<JsonElement> EventAsync(string name, Func<JsonElement, bool>? match = null) =>
        (await _node.NextAsync(
            l => l.GetProperty("type").GetString() == "event" && l.GetProperty("name").GetString() == name && (match is null || match(l.GetProperty("body"))),
            $"event '{name}' from socket.io-client")).GetProperty("body");

    public Task<JsonElement> NotificationAsync(string subject) =>
        EventAsync("notification:new", b => b.GetProperty("subject").GetString() == subject);

    public Task EmitAsync(string eventName, params object?[] arguments) => _node.WriteAsync(new { op = "emit", @event = eventName, args = arguments });

    /// <summary>Emits with an acknowledgment callback and returns the acknowledgment's arguments.</summary>
    public async Task<JsonElement> EmitWithAckAsync(string eventName, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextAck);
        await _node.WriteAsync(new { op = "emit", @event = eventName, args = arguments, ack = id });
        var ack = await _node.NextAsync(l => l.GetProperty("type").GetString() == "ack" && l.GetProperty("id").GetInt32() == id, $"ack {id}");
        Assert.True(ack.GetProperty("error").ValueKind == JsonValueKind.Null, ack.GetRawText());
        return ack.GetProperty("args");
    }

    public Task JoinAsync(string channel) => EmitAsync("channel:join", new { channelName = channel });

    public Task LeaveAsync(string channel) => EmitAsync("channel:leave", new { channelName = channel });

    public Task DisconnectAsync() => _node.WriteAsync(new { op = "disconnect" });

    /// <summary>Closes the transport under the client, as a network failure would; a client started with reconnection reconnects.</summary>
    public Task DropAsync() => _node.WriteAsync(new { op = "drop" });

    /// <summary>Subjects of every notification received so far.</summary>
    public IReadOnlyList<string?> NotificationSubjects() =>
        [.. _node.Lines()
            .Where(l => l.GetProperty("type").GetString() == "event" && l.GetProperty("name").GetString() == "notification:new")
            .Select(l => l.GetProperty("body").GetProperty("subject").GetString())];

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Lines() => _node.Lines();

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
