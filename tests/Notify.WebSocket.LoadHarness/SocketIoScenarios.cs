using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.LoadHarness;

/// <summary>External mode over Socket.IO against the socket.io@4 reference server; the baseline is the official Node client.</summary>
internal abstract class SocketIoScenario : Scenario
{
    private NodePeer? _server;
    private ServiceProvider? _services;

    protected IWebSocketProvider Provider { get; private set; } = null!;

    protected static NotificationContent Content { get; } = new() { Subject = "Load", Body = "A notification of a typical size for the load run.", Data = new { n = 42, kind = "load" } };

    protected abstract string ProviderJson { get; }

    protected abstract string NodeMode { get; }

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _server = await NodePeer.StartAsync("socketio-server.mjs", "--sink").ConfigureAwait(false);
        (_services, Provider) = await HarnessProvider.CreateAsync($$"""
            {
              "mode": "external", "protocol": "socketio", "url": "{{_server.HttpUrl()}}", "transports": ["websocket"],
              "enableRequestResponse": true, "requestTimeout": 60000, {{ProviderJson}}
            }
            """, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = RepositoryPaths.Peers, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "socketio-client-bench.mjs", "--url", _server!.HttpUrl().ToString(), "--mode", NodeMode, "--seconds", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--inflight", "64" })
        {
            info.ArgumentList.Add(argument);
        }

        using var node = Process.Start(info)!;
        var line = await node.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The Node socket.io-client baseline printed nothing.");
        await node.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var result = JsonDocument.Parse(line).RootElement;
        return new Measurement(result.GetProperty("ops").GetInt64(), TimeSpan.FromMilliseconds(result.GetProperty("ms").GetDouble()));
    }

    public override async Task TearDownAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected Task SendAsync(CancellationToken cancellationToken) => SendOrThrowAsync(Provider, Content, cancellationToken);
}

internal sealed class SocketIoFireAndForgetScenario : SocketIoScenario
{
    public override string Name => "external Socket.IO, fire-and-forget emits/s";

    protected override string ProviderJson => "\"enableAcknowledgments\": false";

    protected override string NodeMode => "fire";

    /// <summary>Sends for the duration, then waits for the server to answer a flush query, so delivery of every emit is timed.</summary>
    public override async Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long operations = 0;
        while (clock.Elapsed < duration)
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
            operations++;
        }

        await Provider.QueryAsync(new QueryRequest("flush", new { }), cancellationToken).ConfigureAwait(false);
        return new Measurement(operations, clock.Elapsed);
    }
}

internal sealed class SocketIoAckScenario : SocketIoScenario
{
    public override string Name => "external Socket.IO, ack'd round trips/s, 64 in flight";

    protected override string ProviderJson => "\"enableAcknowledgments\": true";

    protected override string NodeMode => "ack";

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(64, duration, SendAsync, recordLatency: false, cancellationToken);
}
