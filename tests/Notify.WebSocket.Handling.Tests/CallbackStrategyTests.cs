using System.Text.Json;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class CallbackStrategyTests
{
    private const string Secret = "whsec-test-1234";

    [Fact]
    public async Task Webhook_CarriesExactlyTheSpecPayload_MessageIdHeader_AndAVerifiableSignature()
    {
        using var files = new TempFiles();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = HandlingHarness.Create(h =>
        {
            h.Strategy = "callback";
            h.CallbackUrl = receiver.Url.ToString();
            h.CallbackSecret = Secret;
            h.SpoolPath = files.Path("spool");
        });
        var pipeline = harness.StartPipeline();

        Assert.True(pipeline.TryEnqueue(Messages.Create("m-1")));
        await receiver.WaitForAcceptedAsync(1);
        await pipeline.DisposeAsync();

        var webhook = Assert.Single(receiver.Received);
        Assert.StartsWith("application/json", webhook.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("m-1", webhook.Header(WebhookHeaders.MessageId));
        Assert.True(WebhookSignature.Verify(Secret, webhook.Header(WebhookHeaders.Signature), webhook.Header(WebhookHeaders.Timestamp), webhook.Body, DateTimeOffset.UtcNow));

        using var json = JsonDocument.Parse(webhook.Body);
        var root = json.RootElement;
        Assert.Equal(["event", "data", "timestamp", "metadata", "source"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("message:received", root.GetProperty("event").GetString());
        Assert.Equal("hello", root.GetProperty("data").GetProperty("text").GetString());
        Assert.Equal("2025-01-08T19:00:00.123Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("m-1", root.GetProperty("metadata").GetProperty("messageId").GetString());
        Assert.Equal("tenant-7", root.GetProperty("metadata").GetProperty("tenantId").GetString());
        Assert.Equal("2025-01-08T18:59:59.000Z", root.GetProperty("metadata").GetProperty("serverTimestamp").GetString());
        var source = root.GetProperty("source");
        Assert.Equal("websocket", source.GetProperty("provider").GetString());
        Assert.Equal("wss://external-service.com/ws", source.GetProperty("url").GetString());
        Assert.Equal("ws", source.GetProperty("protocol").GetString());
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_Answering500ThreeTimesThen200_IsAcceptedExactlyOnce()
    {
        using var files = new TempFiles();
        await using var receiver = await WebhookReceiver.StartAsync(n => n <= 3 ? 500 : 200);
        await using var harness = HandlingHarness.Create(h =>
        {
            h.Strategy = "callback";
            h.CallbackUrl = receiver.Url.ToString();
            h.SpoolPath = files.Path("spool");
        });
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("m-retry"));
        await receiver.WaitForAcceptedAsync(1);
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the message left the spool");
        await pipeline.DisposeAsync();

        Assert.Equal([500, 500, 500, 200], receiver.Received.Select(r => r.Status));
        Assert.Single(receiver.Accepted);
        Assert.All(receiver.Received, r => Assert.Equal("m-retry", r.Header(WebhookHeaders.MessageId)));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Webhook_RetryableStatus_IsRetried(int status)
    {
        using var files = new TempFiles();
        await using var receiver = await WebhookReceiver.StartAsync(n => n == 1 ? status : 204);
        await using var harness = HandlingHarness.Create(h =>
        {
            h.Strategy = "callback";
            h.CallbackUrl = receiver.Url.ToString();
            h.SpoolPath = files.Path("spool");
        });
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("m-" + status));
        await receiver.WaitForAcceptedAsync(1);
        await pipeline.DisposeAsync();

        Assert.Equal([status, 204], receiver.Received.Select(r => r.Status));
    }

    [Fact]
    public async Task Webhook_Answering400_IsNotRetried_AndTheRefusalIsLogged()
    {
        using var files = new TempFiles();
        await using var receiver = await WebhookReceiver.StartAsync(_ => 400);
        await using var harness = HandlingHarness.Create(h =>
        {
            h.Strategy = "callback";
            h.CallbackUrl = receiver.Url.ToString();
            h.SpoolPath = files.Path("spool");
        });
        var pipeline = harness.StartPipeline();

        pipeline.TryEnqueue(Messages.Create("m-bad"));
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "the refused message left the spool");
        await pipeline.DisposeAsync();

        Assert.Equal([400], receiver.Received.Select(r => r.Status));
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Error 4105:", StringComparison.Ordinal) && l.Contains("m-bad", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_Unreachable_IsRetriedUntilTheReceiverIsUp()
    {
        using var files = new TempFiles();
        var port = FreePort();
        await using var harness = HandlingHarness.Create(h =>
        {
            h.Strategy = "callback";
            h.CallbackUrl = $"http://127.0.0.1:{port}/hooks/websocket";
            h.SpoolPath = files.Path("spool");
        });
        var pipeline = harness.StartPipeline();
        pipeline.TryEnqueue(Messages.Create("m-net"));
        await Eventually.TrueAsync(() => harness.Logs.Lines.Any(l => l.StartsWith("Warning 4002:", StringComparison.Ordinal)), "a network failure was logged");

        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseUrls(builder.WebHost, $"http://127.0.0.1:{port}");
        var received = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = builder.Build();
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "/hooks/websocket", (Microsoft.AspNetCore.Http.HttpContext c) =>
        {
            received.TrySetResult(c.Request.Headers[WebhookHeaders.MessageId]);
            return Task.CompletedTask;
        });
        await app.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal("m-net", await received.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await pipeline.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
