using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Notify.WebSocket;

/// <summary>
/// Reports the state of every provider the registry has created: unhealthy when any has failed, degraded while any
/// reconnects. Register it with the host's health checks:
/// <c>services.AddHealthChecks().AddCheck&lt;WebSocketProvidersHealthCheck&gt;("websocket-notifications")</c>.
/// </summary>
/// <param name="registry">The registry whose providers are reported.</param>
public sealed class WebSocketProvidersHealthCheck(ProviderRegistry registry) : IHealthCheck
{
    /// <summary>Reports each provider's connection state (in the result's data, by <c>{providerName}/{tenantId}</c>) and the pooled connection count.</summary>
    /// <param name="context">The health check context.</param>
    /// <param name="cancellationToken">Not used: the check only reads states.</param>
    /// <returns>Healthy, degraded or unhealthy.</returns>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var failed = 0;
        var degraded = 0;
        foreach (var (providerName, tenantId, provider) in registry.Snapshot())
        {
            var state = provider.State;
            data[$"{providerName}/{tenantId}"] = state.ToString();
            if (state == WebSocketConnectionState.Failed)
            {
                failed++;
            }
            else if (state is WebSocketConnectionState.Reconnecting or WebSocketConnectionState.Connecting or WebSocketConnectionState.Disconnected)
            {
                degraded++;
            }
        }

        data["pooledConnections"] = registry.PooledConnectionCount;
        var result = failed > 0
            ? HealthCheckResult.Unhealthy($"{failed} WebSocket provider(s) failed.", data: data)
            : degraded > 0
                ? HealthCheckResult.Degraded($"{degraded} WebSocket provider(s) not connected.", data: data)
                : HealthCheckResult.Healthy($"{data.Count - 1} WebSocket provider(s) ready.", data: data);
        return Task.FromResult(result);
    }
}
