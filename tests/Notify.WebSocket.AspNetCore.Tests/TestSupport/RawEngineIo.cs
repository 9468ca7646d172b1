using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// A bare Engine.IO client for the protocol's own cases: raw WebSocket frames and raw long-polling requests, so a test
/// states exactly what goes on the wire. Every wait is bounded.
/// </summary>
internal sealed class RawEngineIo(Uri http, string path) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http = new() { BaseAddress = http, Timeout = Timeout };

    public Uri Url(string query) => new(_http.BaseAddress!, $"{path}/?{query}");

    public Uri WebSocketUrl(string query) => new(Url(query).ToString().Replace("http://", "ws://", StringComparison.Ordinal));

    /// <summary>A polling handshake; returns the sid.</summary>
    public async Task<string> OpenPollingAsync()
    {
        var body = await _http.GetStringAsync(Url("EIO=4&transport=polling"));
        return JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString()!;
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string query)
    {
        using var response = await _http.GetAsync(Url(query));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string query, string? body = null)
    {
        using var request = new HttpRequestMessage(method, Url(query)) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "text/plain") };
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<(HttpStatusCode Status, string Body)> PollAsync(string sid) => GetAsync($"EIO=4&transport=polling&sid={sid}");

    public Task<(HttpStatusCode Status, string Body)> PostAsync(string sid, string body) => SendAsync(HttpMethod.Post, $"EIO=4&transport=polling&sid={sid}", body);

    public async Task<ClientWebSocket> ConnectAsync(string query = "EIO=4&transport=websocket")
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(WebSocketUrl(query), timeout.Token);
        return socket;
    }

    /// <summary>A WebSocket session: connected, handshake read; returns the socket and the handshake's JSON.</summary>
    public async Task<(ClientWebSocket Socket, JsonElement Handshake)> OpenWebSocketAsync()
    {
        var socket = await ConnectAsync();
        var open = await ReceiveTextAsync(socket);
        Assert.StartsWith("0", open);
        return (socket, JsonDocument.Parse(open[1..]).RootElement.Clone());
    }

    public static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public static Task SendBinaryAsync(ClientWebSocket socket, byte[] bytes) =>
        socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame: (text, null) or (null, bytes); (null, null) when the server closed. With <paramref name="skipPings"/>, pings are answered (as a client does) and skipped.</summary>
    public static async Task<(string? Text, byte[]? Binary)> ReceiveAsync(ClientWebSocket socket, bool skipPings = false)
    {
        while (true)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            WebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await socket.ReceiveAsync(chunk, timeout.Token);
                    buffer.Write(chunk, 0, result.Count);
                }
                while (!result.EndOfMessage);
            }
            catch (WebSocketException)
            {
                return (null, null);
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, null);
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                return (null, buffer.ToArray());
            }

            var text = Encoding.UTF8.GetString(buffer.ToArray());
            if (!(skipPings && text == "2"))
            {
                return (text, null);
            }

            await SendTextAsync(socket, "3");
        }
    }

    public static async Task<string> ReceiveTextAsync(ClientWebSocket socket, bool skipPings = false)
    {
        var (text, binary) = await ReceiveAsync(socket, skipPings);
        Assert.True(text is not null, binary is null ? "the server closed the connection" : "a binary frame came instead of text");
        return text!;
    }

    /// <summary>Waits until the server closes the connection (a close frame or the connection dropped), skipping whatever comes before.</summary>
    public static async Task ClosedAsync(ClientWebSocket socket)
    {
        while ((await ReceiveAsync(socket)) is not (null, null))
        {
        }
    }

    public void Dispose() => _http.Dispose();
}
