using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Notify.WebSocket.Diagnostics;

/// <summary>The library's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <c>Notify.WebSocket</c>.</summary>
internal static class NotifyWebSocketTelemetry
{
    public const string Name = "Notify.WebSocket";

    public const string TenantTag = "notify.websocket.tenant";
    public const string ModeTag = "notify.websocket.mode";
    public const string TargetTag = "notify.websocket.target";
    public const string ErrorTag = "error.type";

    private static readonly string? Version = typeof(NotifyWebSocketTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly Meter Meter = new(Name, Version);

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("notify.websocket.messages.sent", "{message}", "Notifications delivered (or acknowledged).");

    public static readonly Counter<long> MessagesFailed =
        Meter.CreateCounter<long>("notify.websocket.messages.failed", "{message}", "Notifications that failed, by error code.");

    public static readonly Counter<long> GatewayDropped =
        Meter.CreateCounter<long>("notify.websocket.gateway.dropped", "{message}", "In-process gateway notifications dropped because a connection's buffer was full.");

    public static readonly Counter<long> InboxStored =
        Meter.CreateCounter<long>("notify.websocket.inbox.stored", "{notification}", "Notifications the inbox stored (each once, duplicates of a stored id not counted).");

    public static readonly Counter<long> InboxReplayed =
        Meter.CreateCounter<long>("notify.websocket.inbox.replayed", "{notification}", "Notifications delivered from the store: replays on connect, and catch-up after a connection fell behind.");

    public static readonly Counter<long> InboxTrimmed =
        Meter.CreateCounter<long>("notify.websocket.inbox.trimmed", "{notification}", "Notifications removed by retention (age or count per stream).");

    public static TagList Tags(string tenantId, WebSocketMode mode, string target) =>
        new() { { TenantTag, tenantId }, { ModeTag, mode == WebSocketMode.Internal ? "internal" : "external" }, { TargetTag, target } };
}
