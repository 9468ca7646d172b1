using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Handling;

/// <summary>Instruments of incoming-message handling, per strategy, on the shared <c>Notify.WebSocket</c> meter.</summary>
internal static class HandlingTelemetry
{
    public const string StrategyTag = "notify.websocket.strategy";
    public const string ReasonTag = "notify.websocket.reason";

    private static readonly ConcurrentDictionary<string, StrongBox> Pending = new(StringComparer.OrdinalIgnoreCase);

    public static readonly Counter<long> Handled =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.incoming.handled", "{message}", "Incoming messages a strategy handled.");

    public static readonly Counter<long> Failed =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.incoming.failed", "{message}", "Strategy attempts that failed (retryable or not).");

    public static readonly Counter<long> Retried =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.incoming.retried", "{message}", "Strategy attempts scheduled again after a failure.");

    public static readonly Counter<long> Rejected =
        NotifyWebSocketTelemetry.Meter.CreateCounter<long>("notify.websocket.incoming.rejected", "{message}", "Incoming messages not accepted (handling queue or spool full), by reason.");

    public static readonly ObservableGauge<long> Spooled = NotifyWebSocketTelemetry.Meter.CreateObservableGauge(
        "notify.websocket.incoming.spooled",
        () => Pending.Select(p => new Measurement<long>(Interlocked.Read(ref p.Value.Value), new KeyValuePair<string, object?>(StrategyTag, p.Key))),
        "{message}",
        "Spooled messages a strategy has yet to handle.");

    public static TagList Tags(string strategy, string tenantId) =>
        new() { { StrategyTag, strategy }, { NotifyWebSocketTelemetry.TenantTag, tenantId } };

    public static void AddPending(string strategy, long delta) =>
        Interlocked.Add(ref Pending.GetOrAdd(strategy, _ => new StrongBox()).Value, delta);

    private sealed class StrongBox
    {
        public long Value;
    }
}
