using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Retained memory per idle Socket.IO connection (connected, in one channel): our host's managed heap after a full
/// collection, and the reference Node server's V8 heap after full collections (<c>heapUsed</c>), each with N
/// socket.io-client sockets connected minus without, divided by N. The sockets connect 20 at a time, so the figure is
/// what connections keep, not the buffers a burst of simultaneous handshakes leaves in Kestrel's memory pool.
/// </summary>
internal static class SocketIoMemoryProbe
{
    private const int Batch = 20;

    public static async Task<IReadOnlyList<string[]>> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var count = quick ? 50 : 1_000;
        double ours, oursRss;
        await using (var app = await SocketIoBroadcastScenario.StartHostAsync(cancellationToken).ConfigureAwait(false))
        {
            var (before, rssBefore) = Settle();
            await using var clients = await NodeClients.StartAsync(new Uri(app.Urls.First()), count, authJson: null, join: "bench", cancellationToken, Batch).ConfigureAwait(false);
            var (after, rssAfter) = Settle();
            ours = (after - before) / (double)count;
            oursRss = (rssAfter - rssBefore) / (double)count;
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        double theirs, theirsRss;
        using var http = new HttpClient();
        await using (var node = await NodePeer.StartAsync("socketio-bench-server.mjs").ConfigureAwait(false))
        {
            var before = await MemoryAsync(http, node, cancellationToken).ConfigureAwait(false);
            await using var clients = await NodeClients.StartAsync(node.HttpUrl(), count, authJson: """{"rooms":["bench"]}""", join: null, cancellationToken, Batch).ConfigureAwait(false);
            var after = await MemoryAsync(http, node, cancellationToken).ConfigureAwait(false);
            theirs = (after.Heap - before.Heap) / count;
            theirsRss = (after.Rss - before.Rss) / count;
        }

        return
        [
            [$"memory: managed heap per idle Socket.IO connection (vs Node socket.io server's V8 heapUsed), {count:N0} sockets", Bytes(ours), Bytes(theirs), Ratio(ours, theirs)],
            [$"memory: process RSS per idle Socket.IO connection (vs Node socket.io server's RSS), {count:N0} sockets", Bytes(oursRss), Bytes(theirsRss), Ratio(oursRss, theirsRss)],
        ];
    }

    /// <summary>The live heap and the resident set after an aggressive full collection (which also returns free memory to the OS).</summary>
    private static (long Heap, long Rss) Settle()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (GC.GetTotalMemory(forceFullCollection: false), Environment.WorkingSet);
    }

    private static string Ratio(double ours, double theirs) => (ours / theirs).ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static async Task<(double Heap, double Rss)> MemoryAsync(HttpClient http, NodePeer node, CancellationToken cancellationToken)
    {
        var memory = await http.GetFromJsonAsync<JsonElement>(node.HttpUrl("/memory"), cancellationToken).ConfigureAwait(false);
        return (memory.GetProperty("heapUsed").GetDouble(), memory.GetProperty("rss").GetDouble());
    }

    private static string Bytes(double value) => value.ToString("#,0", CultureInfo.InvariantCulture) + " B";
}
