using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.DependencyInjection;

public sealed class TracingTests
{
    [Fact]
    public async Task Sends_AreTracedOnTheNotifyWebSocketActivitySource_WithoutLeakingIntoTheCaller()
    {
        var tenant = "trace-" + Guid.NewGuid().ToString("N");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Notify.WebSocket",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("notify.websocket.tenant") == tenant)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var services = TestServices.FromSection("{}");
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync(tenant, TestContext.Current.CancellationToken);

        var ok = await provider.SendToUserAsync("u", new NotificationContent(), TestContext.Current.CancellationToken);
        var refused = await provider.SendToChannelAsync("c", new NotificationContent(), TestContext.Current.CancellationToken);

        Assert.Null(Activity.Current);
        Assert.Equal(2, stopped.Count);
        var (sent, failed) = (stopped.First(), stopped.Last());
        Assert.Equal("notify.websocket.send", sent.OperationName);
        Assert.Equal(ok.MessageId, sent.GetTagItem("notify.websocket.message_id"));
        Assert.Equal(ActivityStatusCode.Unset, sent.Status);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(WebSocketErrorCodes.ChannelBroadcastDisabled, failed.GetTagItem("error.type"));
        Assert.Equal(refused.MessageId, failed.GetTagItem("notify.websocket.message_id"));
    }
}
