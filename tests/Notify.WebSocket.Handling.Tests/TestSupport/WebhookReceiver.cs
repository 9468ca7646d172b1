using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>A real HTTP webhook endpoint (ASP.NET Core minimal app on 127.0.0.1:0) that records every request.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<int, int> _status;
    private int _requests;

    private WebhookReceiver(WebApplication app, Func<int, int> status)
    {
        _app = app;
        _status = status;
    }

    /// <summary>Requests in arrival order, with the status each was answered with.</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url => new(_app.Urls.First() + "/hooks/websocket");

    /// <summary><paramref name="status"/> maps the 1-based request number to the status code to answer (default 200).</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, int>? status = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, status ?? (_ => 200));
        app.MapPost("/hooks/websocket", receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    public IEnumerable<ReceivedWebhook> Accepted => Received.Where(r => r.Status is >= 200 and < 300);

    public async Task WaitForAcceptedAsync(int count, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (Accepted.Count() < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {count} accepted webhook(s); got {Accepted.Count()} of {Received.Count} request(s).");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var status = _status(Interlocked.Increment(ref _requests));
        Received.Enqueue(new ReceivedWebhook(
            buffer.ToArray(),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            status));
        context.Response.StatusCode = status;
    }
}

internal sealed record ReceivedWebhook(byte[] Body, IReadOnlyDictionary<string, string> Headers, int Status)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
