using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class CallbackConcurrencyTests
{
    [Fact]
    public async Task OpenWebhookRequests_StayWithinCallbackMaxConcurrency_WhileThePipelineTakesMore()
    {
        using var files = new TempFiles();
        var webhook = new HeldWebhook();
        await using var harness = HandlingHarness.Create(
            h =>
            {
                h.Strategy = "callback";
                h.CallbackUrl = "http://127.0.0.1:9/webhook";
                h.CallbackMaxConcurrency = 3;
                h.SpoolPath = files.Path("spool");
            },
            services: s => s.AddHttpClient("Notify.WebSocket.Callback").ConfigurePrimaryHttpMessageHandler(() => webhook));
        var pipeline = harness.StartPipeline();

        for (var i = 0; i < 20; i++)
        {
            pipeline.TryEnqueue(Messages.Create("c-" + i));
        }

        await Eventually.TrueAsync(() => webhook.Open == 3, "three requests are open");
        await Task.Yield();
        Assert.Equal(3, webhook.Open);

        webhook.Release();
        await Eventually.TrueAsync(() => pipeline.Pending == 0, "every message was delivered");
        await pipeline.DisposeAsync();

        Assert.Equal(20, webhook.Served);
        Assert.Equal(3, webhook.MostOpen);
    }

    /// <summary>A webhook that holds every request until released, counting how many are open at once.</summary>
    private sealed class HeldWebhook : HttpMessageHandler
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _open;
        private int _mostOpen;
        private int _served;

        public int Open => Volatile.Read(ref _open);

        public int MostOpen => Volatile.Read(ref _mostOpen);

        public int Served => Volatile.Read(ref _served);

        public void Release() => _released.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var open = Interlocked.Increment(ref _open);
            int most;
            while (open > (most = Volatile.Read(ref _mostOpen)) && Interlocked.CompareExchange(ref _mostOpen, open, most) != most)
            {
            }

            await _released.Task.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref _open);
            Interlocked.Increment(ref _served);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
