using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External;

/// <summary>
/// Acknowledged sends are delivered at least once across drops, kills and restarts of the real servers: every send
/// succeeds, and the server's own log (which survives its restarts) holds every id.
/// </summary>
public sealed class DeliveryGuaranteeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Protocols => ["ws", "socketio"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task AcknowledgedSends_WhileTheServerIsDroppedThreeTimesAndKilledOnce_AllSucceed_AndTheServerSawEveryId(string protocol)
    {
        const int Sends = 2000;
        const int InFlight = 32;
        using var log = new TempFile();
        // Late acknowledgments keep about InFlight messages written but unacknowledged at every drop.
        string[] arguments = ["--log", log.Path, "--ack-delay", "100"];
        await using var server = await StartAsync(protocol, arguments);
        await using var harness = Harness(server, protocol, """ "enableAcknowledgments": true, "acknowledgmentTimeout": 10000 """);
        var provider = await harness.ConnectedAsync();

        // InFlight senders on their own threads, as a busy host has them: they contend for the socket, so many
        // messages go out through the queue rather than straight from their sender.
        var completed = 0;
        var results = new SendResult[Sends];
        var senders = Enumerable.Range(0, InFlight).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < Sends; i += InFlight)
            {
                results[i] = await provider.SendToUserAsync("u", new NotificationContent { Body = "n" + i }, Ct);
                Interlocked.Increment(ref completed);
            }
        }, Ct)).ToList();

        async Task WhenCompletedAsync(int count) =>
            await Eventually.TrueAsync(() => Volatile.Read(ref completed) >= count, $"{count} sends completed", 60_000);

        await WhenCompletedAsync(250);
        await DropAsync(server, protocol);
        await WhenCompletedAsync(700);
        await DropAsync(server, protocol);
        await WhenCompletedAsync(1100);
        await server.KillAsync();
        await Eventually.TrueAsync(() => provider.State != WebSocketConnectionState.Connected, "the provider noticed the kill");

        // Sends made while the server is down queue up, go out after the restart, and are hit by another drop
        // before the server acknowledges them.
        var whileDown = Enumerable.Range(0, 64).Select(i => provider.SendToUserAsync("u", new NotificationContent { Body = "down" + i }, Ct).AsTask()).ToList();
        await server.RestartAsync(arguments);
        await Eventually.TrueAsync(() => provider.State == WebSocketConnectionState.Connected, "the provider reconnected");
        await DropAsync(server, protocol);
        await WhenCompletedAsync(1600);
        await DropAsync(server, protocol);
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(120), Ct);
        results = [.. results, .. await Task.WhenAll(whileDown).WaitAsync(TimeSpan.FromSeconds(60), Ct)];

        Assert.All(results, r => Assert.True(r.Success, $"{r.MessageId}: {r.Error?.Code} {r.Error?.Message}"));
        var seen = (await File.ReadAllLinesAsync(log.Path, Ct)).ToHashSet(StringComparer.Ordinal);
        var missing = results.Select(r => r.MessageId).Where(id => !seen.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged ids never reached the server, e.g. {string.Join(", ", missing.Take(5))}");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SendsQueuedWhileDown_WrittenAfterTheReconnect_AndDroppedAgainBeforeTheirAck_AreWrittenAgain_AndSucceed(string protocol)
    {
        using var log = new TempFile();
        await using var server = await StartAsync(protocol, "--log", log.Path);
        await using var harness = Harness(server, protocol, """ "enableAcknowledgments": true, "acknowledgmentTimeout": 30000 """);
        var provider = await harness.ConnectedAsync();
        using var transitions = new TransitionRecorder(provider.Connection());
        await server.KillAsync();
        await transitions.NextAsync(WebSocketConnectionState.Reconnecting, "the provider noticed the drop");

        var sends = Enumerable.Range(0, 20).Select(i => provider.SendToUserAsync("u", new NotificationContent { Body = "q" + i }, Ct).AsTask()).ToList();

        // The server comes back but never acknowledges: the queued messages reach it, and it dies before answering.
        await server.RestartAsync("--log", log.Path, "--no-ack");
        await Eventually.TrueAsync(async () => File.Exists(log.Path) && (await File.ReadAllLinesAsync(log.Path, Ct)).Length >= 20, "the queued messages reached the server");
        Assert.All(sends, s => Assert.False(s.IsCompleted));
        await server.KillAsync();

        await server.RestartAsync("--log", log.Path);
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(results, r => Assert.True(r.Success, $"{r.Error?.Code} {r.Error?.Message}"));
        var lines = await File.ReadAllLinesAsync(log.Path, Ct);
        Assert.All(results, r => Assert.Equal(2, lines.Count(l => l == r.MessageId)));
    }

    private static Task<NodePeer> StartAsync(string protocol, params string[] arguments) =>
        NodePeer.StartAsync(protocol == "ws" ? "ws-server.mjs" : "socketio-server.mjs", arguments);

    private static ExternalHarness Harness(NodePeer server, string protocol, string extra) =>
        ExternalHarness.Create(protocol == "ws" ? server.WsUrl() : server.HttpUrl(), extra, protocol: protocol);

    private static async Task DropAsync(NodePeer server, string protocol) =>
        await server.PostAsync(protocol == "ws" ? "/drop" : "/control/drop");

    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "notify-ids-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => File.Delete(Path);
    }
}
