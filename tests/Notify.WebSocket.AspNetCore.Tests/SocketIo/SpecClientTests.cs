using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// The spec's client snippet, unchanged, on the official socket.io-client: in Node and in headless Chromium, against
/// our host, across a restart of the server (the client reconnects by itself; its user and default channels come back).
/// </summary>
public sealed class SpecClientTests(ChromiumFixture chromium)
{
    private const float BrowserTimeout = 15_000;

    private static Task<GatewayServer> StartAsync(int port = 0) => GatewayServer.StartAsync(
        gateway: o => o.AllowedChannelPatterns = ["alerts", "updates"],
        socketIo: _ => { },
        port: port,
        endpoints: app =>
        {
            app.MapGet("/", () => Results.File(Path.Combine(RepositoryPaths.Peers, "spec-client.html"), "text/html"));
            app.MapGet("/socket.io.min.js", () => Results.File(Path.Combine(RepositoryPaths.Peers, "node_modules", "socket.io-client", "dist", "socket.io.min.js"), "text/javascript"));
        });

    [Fact]
    public async Task Node_SpecSnippet_ReceivesAgainAfterTheServerRestarts()
    {
        await NodePeer.EnsureInstalledAsync();
        var server = await StartAsync();
        var port = server.BaseAddress.Port;
        await using var spec = await NodeLineProcess.StartAsync(
            "spec-client.mjs",
            [],
            new Dictionary<string, string> { ["SPEC_URL"] = server.SocketIoUrl.ToString(), ["SPEC_TOKEN"] = TestTokens.For("alice", "1") });
        try
        {
            // Each wait takes the next line of its kind, in order: the first connection's lines go first.
            await spec.NextAsync(l => Label(l) == "connect", "the connect");
            await spec.NextAsync(l => Label(l) == "channel:joined" && Value(l).GetProperty("channelName").GetString() == "system", "the default channel");
            await spec.NextAsync(l => Label(l) == "channel:left", "alerts left");
            await (await server.ProviderAsync("1")).SendToChannelAsync("updates", new NotificationContent { Subject = "before restart" });
            await spec.NextAsync(l => IsReceived(l, "before restart"), "the update before the restart");

            await server.DisposeAsync();
            server = await StartAsync(port);
            await spec.NextAsync(l => Label(l) == "disconnect", "the drop");
            await spec.NextAsync(l => Label(l) == "connect", "the reconnect");
            await spec.NextAsync(l => Label(l) == "channel:joined" && Value(l).GetProperty("channelName").GetString() == "system", "the default channel again");
            var after = await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "after restart" });

            await spec.NextAsync(l => IsReceived(l, "after restart"), "the notification after the restart");
            Assert.Equal(1, after.Metadata["deliveredConnections"]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Chromium_SpecSnippet_JoinsLeavesReceives_AndReceivesAgainAfterTheServerRestarts()
    {
        var browser = chromium.RequireContext();
        await NodePeer.EnsureInstalledAsync();
        var server = await StartAsync();
        var port = server.BaseAddress.Port;
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "/?token=" + TestTokens.For("alice", "1")).ToString());
            await WaitAsync(page, "r => r.label === 'channel:left' && r.value.channelName === 'alerts'");
            var provider = await server.ProviderAsync("1");
            await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "to alerts after leave" });
            await provider.SendToChannelAsync("updates", new NotificationContent { Subject = "Update", Data = new { version = 2 } });
            await WaitAsync(page, "r => r.label === 'Received:' && r.value.subject === 'Update'");

            await server.DisposeAsync();
            server = await StartAsync(port);
            await page.WaitForFunctionAsync("() => window.received.filter(r => r.label === 'connect').length >= 2", null, new() { Timeout = BrowserTimeout });
            await WaitAsync(page, "r => r.label === 'channel:joined' && r.value.channelName === 'system'", atLeast: 2);
            await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "after restart" });
            await WaitAsync(page, "r => r.label === 'Received:' && r.value.subject === 'after restart'");

            var subjects = await page.EvaluateAsync<string[]>("() => window.received.filter(r => r.label === 'Received:').map(r => r.value.subject)");
            Assert.Equal(["Update", "after restart"], subjects);
            Assert.Equal(2, await page.EvaluateAsync<int>("() => window.received.find(r => r.label === 'Received:').value.data.version"));
        }
        finally
        {
            await page.CloseAsync();
            await server.DisposeAsync();
        }
    }

    private static Task<IJSHandle> WaitAsync(IPage page, string predicate, int atLeast = 1) =>
        page.WaitForFunctionAsync($"() => window.received.filter({predicate}).length >= {atLeast}", null, new() { Timeout = BrowserTimeout });

    private static string? Label(JsonElement line) => line.GetProperty("label").GetString();

    private static JsonElement Value(JsonElement line) => line.GetProperty("value");

    private static bool IsReceived(JsonElement line, string subject) =>
        Label(line) == "Received:" && Value(line).GetProperty("subject").GetString() == subject;
}
