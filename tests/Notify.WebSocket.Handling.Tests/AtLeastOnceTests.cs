using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Spool.AppendLog;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>
/// Incoming messages end to end with a real consumer process, a real ws server and a real webhook: a message the server
/// sent reaches the webhook, however often the consumer is killed, and however it starts.
/// </summary>
public sealed class AtLeastOnceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConsumerKilledWithSigkillSixTimesUnderTraffic_LosesNothing_AndDuplicatesKeepTheirId()
    {
        const int Total = 20_000;
        using var files = new TempFiles();
        var spool = files.Path("spool");
        await using var receiver = await WebhookReceiver.StartAsync();

        // The server streams events that ask for an acknowledgment and sends every unacknowledged one again to each new connection.
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--stream", Total.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "2500");
        for (var kill = 1; kill <= 6; kill++)
        {
            await using var consumer = await ConsumerProcess.StartAsync(server.WsUrl(), spool, receiver.Url);
            var sentBefore = await SentAsync(server);
            await Eventually.TrueAsync(async () => await SentAsync(server) >= sentBefore + 1_500, $"traffic flowed before kill {kill}", 30_000);
            await consumer.KillAsync();
        }

        await using (var last = await ConsumerProcess.StartAsync(server.WsUrl(), spool, receiver.Url))
        {
            await Eventually.TrueAsync(
                async () => (await StreamAsync(server)) is { Sent: Total, Unacked: 0 },
                "the server sent everything and has every acknowledgment",
                90_000);
            await Eventually.TrueAsync(() => receiver.Accepted.Select(Id).Distinct().Count() == Total, "every message reached the webhook", 60_000);
        }

        var ids = receiver.Accepted.Select(Id).ToList();
        Assert.Equal(Enumerable.Range(0, Total).Select(n => "s-" + n).Order(), ids.Distinct().Order());
        Assert.All(ids, id => Assert.StartsWith("s-", id, StringComparison.Ordinal));

        static string Id(ReceivedWebhook webhook) => webhook.Header(Notify.WebSocket.WebhookHeaders.MessageId)!;
    }

    [Theory]
    [InlineData("default")]
    [InlineData("7")]
    public async Task BurstOnConnect_WithTenThousandMessagesLeftInTheSpool_EveryMessageReachesTheSink(string tenant)
    {
        // The default tenant's provider is started at host start by the spool's recovery; tenant 7's by its first GetProviderAsync.
        const int Left = 10_000;
        const int Burst = 5_000;
        using var files = new TempFiles();
        var spool = files.Path("spool");
        LeaveInSpool(spool, tenant, Left);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await using var consumer = await ConsumerProcess.StartAsync(server.WsUrl(), spool, receiver.Url, tenant);

        try
        {
            await Eventually.TrueAsync(() => receiver.Accepted.Select(r => r.Header(Notify.WebSocket.WebhookHeaders.MessageId)).Distinct().Count() == Left + Burst, "the backlog and the burst reached the webhook", 60_000);
        }
        catch (TimeoutException ex)
        {
            var seen = receiver.Accepted.Select(r => r.Header(Notify.WebSocket.WebhookHeaders.MessageId)!).Distinct().ToList();
            throw new TimeoutException($"{ex.Message} Reached: {seen.Count(i => i.StartsWith("left-", StringComparison.Ordinal))} of the backlog, {seen.Count(i => i.StartsWith("b-", StringComparison.Ordinal))} of the burst; {receiver.Received.Count} requests.", ex);
        }

        var ids = receiver.Accepted.Select(r => r.Header(Notify.WebSocket.WebhookHeaders.MessageId)!).ToHashSet();
        Assert.All(Enumerable.Range(0, Burst), n => Assert.Contains("b-" + n, ids));
        Assert.All(Enumerable.Range(0, Left), n => Assert.Contains("left-" + n, ids));
    }

    /// <summary>What a crashed earlier process left: messages in the spool, owned by the tenant's pipeline.</summary>
    private static void LeaveInSpool(string folder, string tenant, int count)
    {
        using var spool = new SharedSpool(folder, new LogSpool(folder));
        var owner = IncomingPipelineFactory.Owner("websocket", tenant);
        for (var batch = 0; batch < count; batch += 1_000)
        {
            var entries = Enumerable.Range(batch, 1_000).Select(n => new SpoolEntry(owner, Messages.Create("left-" + n, "status:update", tenant))).ToList();
            Assert.All(spool.Apply(entries, [], [], capacity: 1_000_000), o => Assert.Equal(Notify.WebSocket.Storage.SpoolInsertOutcome.Stored, o));
        }
    }

    private static async Task<int> SentAsync(NodePeer server) => (await StreamAsync(server)).Sent;

    private static async Task<(int Sent, int Unacked)> StreamAsync(NodePeer server)
    {
        var stream = (await server.GetAsync("/stats")).GetProperty("stream");
        return (stream.GetProperty("sent").GetInt32(), stream.GetProperty("unacked").GetInt32());
    }
}
