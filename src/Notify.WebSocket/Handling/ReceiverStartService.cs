using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.Handling.Spool;

namespace Notify.WebSocket.Handling;

/// <summary>
/// At host start, creates the provider of every configured tenant (and the default one) that receives into strategies:
/// its connection starts listening at once, also in a host that never sends, and what an earlier process left in its
/// spool is delivered without waiting for the host's first use of that tenant. Tenants added only at run time start
/// when their provider is first created.
/// </summary>
internal sealed class ReceiverStartService(
    IServiceProvider services,
    ProviderRegistrations registrations,
    IOptionsMonitor<WebSocketProviderOptions> options,
    IncomingPipelineFactory pipelines,
    SpoolRegistry spools,
    ProviderRegistry registry,
    ILogger<ReceiverStartService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var registration in registrations.All)
        {
            var notReceiving = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            var unsigned = new List<string>();
            foreach (var tenant in registration.KnownTenants(services).Append(WebSocketProviderDefaults.DefaultTenantId).Distinct(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tenantOptions = options.Get(ProviderOptionsNames.For(registration.Name, tenant));
                var external = tenantOptions.Enabled && tenantOptions.Mode == WebSocketMode.External;
                if (external && !tenantOptions.EnableReceiving
                    && !string.Equals(tenantOptions.MessageHandling.Strategy, MessageHandlingStrategies.None, StringComparison.OrdinalIgnoreCase))
                {
                    // Valid, so not an error (receiving may be off for a while); but a strategy that never runs is rarely meant.
                    var strategy = tenantOptions.MessageHandling.Strategy;
                    if (!notReceiving.TryGetValue(strategy, out var tenants))
                    {
                        notReceiving[strategy] = tenants = [];
                    }

                    tenants.Add(tenant);
                }

                var selected = external && tenantOptions.EnableReceiving ? pipelines.Select(tenantOptions) : [];
                if (selected.Count == 0)
                {
                    continue;
                }

                if (string.IsNullOrEmpty(tenantOptions.MessageHandling.CallbackSecret) && selected.Any(static s => s.Name == MessageHandlingStrategies.Callback))
                {
                    unsigned.Add(tenant);
                }

                var spool = spools.AcquireExisting(tenantOptions.MessageHandling);
                try
                {
                    if (spool?.HasPending(IncomingPipelineFactory.Owner(registration.Name, tenant)) == true)
                    {
                        Log.SpoolRecovering(logger, registration.Name, tenant, spool.Location);
                    }

                    // Its connection starts now (a host that only receives never asks for the provider), while the spool
                    // is still held here, so that its pipeline takes the open spool rather than reading it again.
                    registry.GetProvider(tenant, registration.Name);
                }
                finally
                {
                    if (spool is not null)
                    {
                        spools.Release(spool);
                    }
                }
            }

            foreach (var (strategy, tenants) in notReceiving)
            {
                Log.StrategyWithoutReceiving(logger, registration.Name, strategy, Listed(tenants));
            }

            if (unsigned.Count > 0)
            {
                Log.WebhookUnsigned(logger, registration.Name, Listed(unsigned));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Listed(List<string> tenants) =>
        string.Join(", ", tenants.Take(10)) + (tenants.Count > 10 ? $" and {tenants.Count - 10} more" : string.Empty);
}
