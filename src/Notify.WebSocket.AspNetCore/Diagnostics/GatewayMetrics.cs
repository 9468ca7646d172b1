using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Notify.WebSocket.AspNetCore.Diagnostics;

/// <summary>
/// The gateway's instruments, on a meter named <c>Notify.WebSocket</c> (the library's one meter name) made by the
/// host's <see cref="IMeterFactory"/>, so each host (and each test server) has its own. Tags: the tenant, and where
/// it applies the target (<c>user</c>/<c>channel</c>) or the refusal reason. Tag values are bounded sets: tenants are
/// configured by the host, reasons are <see cref="RefusalReasons"/>.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Notify.WebSocket";
    public const string TenantTag = "notify.websocket.tenant";
    public const string TargetTag = "notify.websocket.target";
    public const string ReasonTag = "notify.websocket.reason";

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _joins;
    private readonly Counter<long> _leaves;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _presenceErrors;
    private readonly Counter<long> _presenceExpired;
    private readonly Counter<long> _limiterErrors;
    private readonly Counter<long> _replayed;
    private readonly Meter _meter;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = _meter = meterFactory.Create(MeterName, typeof(GatewayMetrics).Assembly.GetName().Version?.ToString());
        _connections = meter.CreateUpDownCounter<long>("notify.websocket.gateway.connections", "{connection}", "Open gateway connections on this instance, by tenant.");
        _joins = meter.CreateCounter<long>("notify.websocket.gateway.channel.joins", "{join}", "Channels joined (on request and default channels on connect).");
        _leaves = meter.CreateCounter<long>("notify.websocket.gateway.channel.leaves", "{leave}", "Channels left on request.");
        _refusals = meter.CreateCounter<long>("notify.websocket.gateway.refusals", "{refusal}", "Client requests, connections and sends the gateway refused, by reason.");
        _notifications = meter.CreateCounter<long>("notify.websocket.gateway.notifications", "{notification}", "Notifications sent through the gateway, by target.");
        _deliveries = meter.CreateCounter<long>("notify.websocket.gateway.deliveries", "{delivery}", "Connections the gateway's notifications reached (per presence at send time), by target.");
        _presenceErrors = meter.CreateCounter<long>("notify.websocket.gateway.presence.errors", "{error}", "Redis presence operations that failed (counts then fall back to this instance).");
        _presenceExpired = meter.CreateCounter<long>("notify.websocket.gateway.presence.expired", "{instance}", "Presence entries of instances that stopped refreshing (crashed), removed.");
        _replayed = meter.CreateCounter<long>("notify.websocket.inbox.replayed", "{notification}", "Stored notifications delivered from the store to gateway connections: replays on connect and catch-up after a connection fell behind.");
        _limiterErrors = meter.CreateCounter<long>("notify.websocket.gateway.limiter.errors", "{error}", "Distributed rate-limit checks that failed (the check fell back to this instance's limiter).");
    }

    public void Connected(string tenantId) => _connections.Add(1, new KeyValuePair<string, object?>(TenantTag, tenantId));

    public void Disconnected(string tenantId) => _connections.Add(-1, new KeyValuePair<string, object?>(TenantTag, tenantId));

    public void Joined(string tenantId) => _joins.Add(1, new KeyValuePair<string, object?>(TenantTag, tenantId));

    public void Left(string tenantId) => _leaves.Add(1, new KeyValuePair<string, object?>(TenantTag, tenantId));

    public void Refused(string tenantId, string reason) =>
        _refusals.Add(1, new KeyValuePair<string, object?>(TenantTag, tenantId), new KeyValuePair<string, object?>(ReasonTag, reason));

    public void Sent(string tenantId, string target, int connections)
    {
        if (_notifications.Enabled || _deliveries.Enabled)
        {
            var tags = new TagList { { TenantTag, tenantId }, { TargetTag, target } };
            _notifications.Add(1, tags);
            _deliveries.Add(connections, tags);
        }
    }

    /// <summary>Publishes the presence tracker's view: groups (users online, channels with members) that have connections on this instance.</summary>
    public void ObservePresence(Func<int> groups) =>
        _meter.CreateObservableGauge("notify.websocket.gateway.presence.groups", groups, "{group}", "Groups (users and channels) with connections on this instance.");

    public void PresenceFailed() => _presenceErrors.Add(1);

    public void PresenceExpired(long instances) => _presenceExpired.Add(instances);

    public void LimiterFailed() => _limiterErrors.Add(1);

    public void Replayed(string tenantId, int notifications)
    {
        if (notifications > 0)
        {
            _replayed.Add(notifications, new KeyValuePair<string, object?>(TenantTag, tenantId));
        }
    }
}
