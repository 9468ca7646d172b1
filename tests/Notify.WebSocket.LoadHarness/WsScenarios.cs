using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.LoadHarness;

/// <summary>External mode over native WebSocket against the Node <c>ws</c> reference server.</summary>
internal abstract class WsScenario : Scenario
{
    private NodePeer? _server;
    private ServiceProvider? _services;

    protected IWebSocketProvider Provider { get; private set; } = null!;

    protected Uri Url => _server!.WsUrl();

    protected static NotificationContent Content { get; } = new() { Subject = "Load", Body = "A notification of a typical size for the load run.", Data = new { n = 42, kind = "load" } };

    protected abstract string ProviderJson { get; }

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _server = await NodePeer.StartAsync("ws-server.mjs", "--sink").ConfigureAwait(false);
        (_services, Provider) = await HarnessProvider.CreateAsync(
            $$"""{ "mode": "external", "protocol": "ws", "url": "{{Url}}", {{ProviderJson}} }""", cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The same envelope our provider writes, serialized per message with System.Text.Json as hand-written code does
    /// (<see cref="PrebuiltEnvelope"/> is the bytes-only variant that pays for no serialization at all).
    /// </summary>
    protected static byte[] Envelope(string? id, string flag)
    {
        var messageId = id ?? Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var data = new { id = messageId, subject = Content.Subject, body = Content.Body, data = Content.Data, recipient = new { userId = "u" }, timestamp = now };
        return id is null
            ? JsonSerializer.SerializeToUtf8Bytes(new { @event = "notification", data, timestamp = now }, Web)
            : flag == "requiresAck"
                ? JsonSerializer.SerializeToUtf8Bytes(new { @event = "notification", data, timestamp = now, id, requiresAck = true }, Web)
                : JsonSerializer.SerializeToUtf8Bytes(new { @event = "notification", data, timestamp = now, id, requiresResponse = true }, Web);
    }

    protected static byte[] PrebuiltEnvelope { get; } = Envelope(null, string.Empty);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}

internal class WsOneWayScenario : WsScenario
{
    public override string Name => "external ws, one-way sends/s";

    protected override string ProviderJson => "\"heartbeatInterval\": 0";

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(1, duration, ct => SendOrThrowAsync(Provider, Content, ct), recordLatency: false, cancellationToken);

    public override async Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var raw = await RawWebSocketClient.ConnectAsync(Url, cancellationToken).ConfigureAwait(false);
        return await TimedAsync(1, duration, ct => raw.SendAsync(NextFrame(), ct), recordLatency: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the baseline sends each time: the envelope serialized anew, as hand-written code does.</summary>
    protected virtual byte[] NextFrame() => Envelope(id: null, flag: string.Empty);
}

/// <summary>The one-way baseline at its most flattering: one prebuilt byte array sent again and again.</summary>
internal sealed class WsOneWayPrebuiltScenario : WsOneWayScenario
{
    public override string Name => "external ws, one-way sends/s vs prebuilt bytes";

    protected override byte[] NextFrame() => PrebuiltEnvelope;
}

internal sealed class WsAckScenario : WsScenario
{
    public override string Name => "external ws, ack'd sends/s, 64 in flight";

    protected override string ProviderJson => "\"heartbeatInterval\": 0, \"enableAcknowledgments\": true";

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(64, duration, ct => SendOrThrowAsync(Provider, Content, ct), recordLatency: false, cancellationToken);

    public override async Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var raw = await RawWebSocketClient.ConnectAsync(Url, cancellationToken).ConfigureAwait(false);
        return await TimedAsync(64, duration, ct =>
        {
            var id = Guid.NewGuid().ToString("N");
            return raw.RoundTripAsync(id, Envelope(id, "requiresAck"), ct);
        }, recordLatency: false, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class WsQueryScenario : WsScenario
{
    public override string Name => "external ws, queries/s, 64 in flight";

    public override bool ReportsLatency => true;

    protected override string ProviderJson => "\"heartbeatInterval\": 0, \"enableRequestResponse\": true";

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(64, duration, async ct => await Provider.QueryAsync(new QueryRequest("user:info", new { userId = "12345" }), ct).ConfigureAwait(false), recordLatency: true, cancellationToken);

    public override async Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var raw = await RawWebSocketClient.ConnectAsync(Url, cancellationToken).ConfigureAwait(false);
        return await TimedAsync(64, duration, ct =>
        {
            var id = Guid.NewGuid().ToString("N");
            var frame = Encoding.UTF8.GetBytes($$"""{"event":"user:info","data":{"userId":"12345"},"timestamp":"{{DateTimeOffset.UtcNow:O}}","id":"{{id}}","requiresResponse":true}""");
            return raw.RoundTripAsync(id, frame, ct);
        }, recordLatency: true, cancellationToken).ConfigureAwait(false);
    }
}
