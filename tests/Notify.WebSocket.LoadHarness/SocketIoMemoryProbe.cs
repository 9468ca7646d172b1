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

    public static async Task<string[]> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var count = quick ? 50 : 1_000;
        double ours;
        await using (var app = await SocketIoBroadcastScenario.StartHostAsync(cancellationToken).ConfigureAwait(false))
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            await using var clients = await NodeClients.StartAsync(new Uri(app.Urls.First()), count, authJson: null, join: "bench", cancellationToken, Batch).ConfigureAwait(false);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            ours = (after - before) / (double)count;
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        double theirs;
        using var http = new HttpClient();
        await using (var node = await NodePeer.StartAsync("socketio-bench-server.mjs").ConfigureAwait(false))
        {
            var before = await HeapAsync(http, node, cancellationToken).ConfigureAwait(false);
            await using var clients = await NodeClients.StartAsync(node.HttpUrl(), count, authJson: """{"rooms":["bench"]}""", join: null, cancellationToken, Batch).ConfigureAwait(false);
            var after = await HeapAsync(http, node, cancellationToken).ConfigureAwait(false);
            theirs = (after - before) / (double)count;
        }

        return
        [
            $"memory: bytes per idle Socket.IO connection (vs Node socket.io server's V8 heap), {count:N0} sockets",
            Bytes(ours),
            Bytes(theirs),
            (ours / theirs).ToString("0.00", CultureInfo.InvariantCulture) + "x",
        ];
    }

    private static async Task<double> HeapAsync(HttpClient http, NodePeer node, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<JsonElement>(node.HttpUrl("/memory"), cancellationToken).ConfigureAwait(false)).GetProperty("heapUsed").GetDouble();

    private static string Bytes(double value) => value.ToString("#,0", CultureInfo.InvariantCulture) + " B";
}
