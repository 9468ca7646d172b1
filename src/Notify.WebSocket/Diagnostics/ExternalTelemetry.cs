using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Notify.WebSocket.External;

namespace Notify.WebSocket.Diagnostics;

/// <summary>Instruments of external connections, on the shared <c>Notify.WebSocket</c> meter.</summary>
internal static class ExternalTelemetry
{
    private static readonly ConcurrentDictionary<ExternalConnection, byte> Live = new();

    public static readonly Counter<long> Reconnects =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.connection.reconnects", "{reconnect}", "Successful reconnections after a drop.");

    public static readonly Counter<long> Acknowledged =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.messages.acknowledged", "{message}", "Messages the server acknowledged.");

    /// <summary>The tag of the server an incoming count is about: its <c>host:port</c>.</summary>
    public const string EndpointTag = "notify.websocket.endpoint";

    /// <summary>The tag of why a frame was dropped.</summary>
    public const string ReasonTag = "reason";

    public static readonly Counter<long> Received =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.messages.received", "{message}", "Incoming events handed on (to ReceiveAsync or the handling pipeline), by endpoint.");

    public static readonly Counter<long> Dropped =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.messages.dropped", "{message}", "Incoming frames and events not handed on, by reason and endpoint.");

    public static void CountDropped(string reason, KeyValuePair<string, object?> endpoint) =>
        Dropped.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason), endpoint);

    public static readonly ObservableGauge<int> Connections = NotifyWebSocketTelemetry.Meter.CreateObservableGauge(
        "notify.websocket.connections",
        () => Live.Keys
            .GroupBy(c => c.State)
            .Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("notify.websocket.state", g.Key.ToString()))),
        "{connection}",
        "Open external connections by state.");

    public static void Track(ExternalConnection connection) => Live.TryAdd(connection, 0);

    public static void Untrack(ExternalConnection connection) => Live.TryRemove(connection, out _);
}
