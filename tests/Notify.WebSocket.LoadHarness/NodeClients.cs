using System.Diagnostics;
using System.Text.Json;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// A Node process of official socket.io-client sockets (tests/peers/socketio-bench-clients.mjs): connected and joined
/// when started; counts the notifications its sockets receive and says when a total is reached.
/// </summary>
internal sealed class NodeClients : IAsyncDisposable
{
    private readonly Process _process;
    private long _expected;

    private NodeClients(Process process) => _process = process;

    public static async Task<NodeClients> StartAsync(Uri url, int clients, string? authJson, string? join, CancellationToken cancellationToken, int? batch = null)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = RepositoryPaths.Peers, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("socketio-bench-clients.mjs");
        info.ArgumentList.Add("--url");
        info.ArgumentList.Add(url.ToString());
        info.ArgumentList.Add("--clients");
        info.ArgumentList.Add(clients.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (authJson is not null)
        {
            info.ArgumentList.Add("--auth");
            info.ArgumentList.Add(authJson);
        }

        if (batch is { } size)
        {
            info.ArgumentList.Add("--batch");
            info.ArgumentList.Add(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (join is not null)
        {
            info.ArgumentList.Add("--join");
            info.ArgumentList.Add(join);
        }

        var node = new NodeClients(Process.Start(info)!);
        var ready = await node.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (!ready.TryGetProperty("ready", out _))
        {
            throw new InvalidOperationException("The socket.io-client sockets did not connect: " + ready.GetRawText());
        }

        return node;
    }

    /// <summary>Waits until the sockets received <paramref name="more"/> notifications more than before.</summary>
    public async Task ReceivedAsync(long more, CancellationToken cancellationToken)
    {
        _expected += more;
        await _process.StandardInput.WriteLineAsync($$"""{"expect":{{_expected}}}""").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        await ReadLineAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task<JsonElement> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The socket.io-client process ended.");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
