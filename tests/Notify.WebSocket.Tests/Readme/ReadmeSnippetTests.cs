using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Readme;

/// <summary>README's extension examples are this project's code (they compile) and they work against real servers.</summary>
public sealed partial class ReadmeSnippetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void EverySnippet_AppearsInReadme_Verbatim()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests/Notify.WebSocket.Tests/Readme/ExtensionSnippets.cs"));
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var snippets = Snippet().Matches(source.Replace("\r\n", "\n", StringComparison.Ordinal));

        Assert.NotEmpty(snippets);
        foreach (Match snippet in snippets)
        {
            var text = Unindent(snippet.Groups["body"].Value);
            Assert.True(readme.Contains(text, StringComparison.Ordinal), $"README does not show the snippet \"{snippet.Groups["name"].Value}\" as it is in ExtensionSnippets.cs:\n{text}");
        }
    }

    [Fact]
    public async Task Snippets_FetchTheTokenPerTenantFromTheEndpoint_AndReconnectWithTheCustomPolicy()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--auth-bearer", "token-for-1");
        using var tokens = TokenEndpoint.Start(tenant => "token-for-" + tenant);
        var configuration = TestServices.Configuration($$"""
            { "Notifications": { "WebSocket": { "mode": "external", "protocol": "ws", "url": "{{server.WsUrl()}}", "authType": "vault" } } }
            """);
        var collection = new ServiceCollection().AddLogging();
        ExtensionSnippets.Register(collection, configuration, tokens.Url);
        await using var services = collection.BuildServiceProvider();
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("1", Ct);

        Assert.True((await provider.ValidateAsync(Ct)).IsValid);
        Assert.True((await provider.SendToUserAsync("u", new NotificationContent { Body = "vault" }, Ct)).Success);
        Assert.Equal(["/tokens/1"], tokens.Requests);

        using var transitions = new TransitionRecorder(provider.Connection());
        await server.KillAsync();
        var first = await transitions.NextAsync(WebSocketConnectionState.Reconnecting, "the policy scheduled the first attempt");
        Assert.Equal(TimeSpan.FromMilliseconds(200), first.Delay);
    }

    [Fact]
    public async Task HandlingStrategySnippet_PostsEachIncomingMessageToTheChat_WithTheTenantsOwnSettings()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        using var chat = TokenEndpoint.Start(_ => "unused");
        var spool = Path.Combine(Path.GetTempPath(), "notify-test-spool-" + Guid.NewGuid().ToString("N"));
        var configuration = TestServices.Configuration($$"""
            { "Notifications": { "WebSocket": {
                "mode": "external", "protocol": "ws", "url": "{{server.WsUrl()}}",
                "enableReceiving": true, "subscribeToEvents": ["message:received"],
                "messageHandling": {
                  "strategy": "chat", "spoolPath": "{{spool}}",
                  "strategies": { "chat": { "webhookUrl": "{{chat.Url}}hooks/chat", "channel": "#alerts" } }
                },
                "tenants": { "7": { "messageHandling": { "strategies": { "chat": { "channel": "#tenant-7" } } } } } } } }
            """);
        var collection = new ServiceCollection().AddLogging();
        ExtensionSnippets.Register(collection, configuration, chat.Url);
        await using var services = collection.BuildServiceProvider();
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("7", Ct);
        Assert.True((await provider.ValidateAsync(Ct)).IsValid);

        await server.PostAsync("/push", new { frames = new object[] { new { @event = "message:received", data = new { text = "disk full" }, id = "chat-1" } } });

        await Eventually.TrueAsync(() => !chat.Posts.IsEmpty, "the chat webhook was called");
        await services.DisposeAsync();
        Directory.Delete(spool, recursive: true);
        var (path, body) = Assert.Single(chat.Posts);
        Assert.Equal("/hooks/chat", path);
        Assert.Equal("""{"channel":"#tenant-7","text":"message:received for tenant 7"}""", body);
    }

    [Fact]
    public void HandlingStrategySnippet_WithoutAWebhookUrl_StopsTheStart_NamingTheKey()
    {
        var configuration = TestServices.Configuration("""
            { "Notifications": { "WebSocket": { "mode": "external", "protocol": "ws", "url": "ws://127.0.0.1:9/ws", "enableReceiving": true,
                "messageHandling": { "strategy": "chat", "strategies": { "chat": { "channel": "#ops" } } } } } }
            """);
        var collection = new ServiceCollection().AddLogging();
        ExtensionSnippets.Register(collection, configuration, new Uri("http://127.0.0.1:9/"));
        using var services = collection.BuildServiceProvider();

        var failures = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket")).Failures;

        Assert.Contains("Notifications:WebSocket:messageHandling:strategies:chat:webhookUrl is required: the chat's incoming-webhook address.", failures);
    }

    private static string Unindent(string body)
    {
        var lines = body.Trim('\n').Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"// <snippet:(?<name>[a-z-]+)>\n(?<body>.*?)\n[ ]*// </snippet>", RegexOptions.Singleline)]
    private static partial Regex Snippet();

    /// <summary>A token endpoint on loopback: GET /tokens/{tenant} answers { "accessToken": … }; a POST is recorded and answered 200.</summary>
    private sealed class TokenEndpoint : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;

        private TokenEndpoint(HttpListener listener, Uri url, Func<string, string> token)
        {
            _listener = listener;
            Url = url;
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    var path = context.Request.Url!.AbsolutePath;
                    if (context.Request.HttpMethod == "POST")
                    {
                        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                        Posts.Enqueue((path, await reader.ReadToEndAsync()));
                        context.Response.Close();
                        continue;
                    }

                    lock (Requests)
                    {
                        Requests.Add(path);
                    }

                    var body = Encoding.UTF8.GetBytes($$"""{ "accessToken": "{{token(path["/tokens/".Length..])}}" }""");
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public List<string> Requests { get; } = [];

        /// <summary>POSTs received (a chat webhook): path and body.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<(string Path, string Body)> Posts { get; } = new();

        public static TokenEndpoint Start(Func<string, string> token)
        {
            var port = Loopback.FreePort();
            var url = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(url.ToString());
            listener.Start();
            return new TokenEndpoint(listener, url, token);
        }

        public void Dispose()
        {
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
