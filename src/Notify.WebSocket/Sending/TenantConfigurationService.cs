using Microsoft.Extensions.Options;

namespace Notify.WebSocket.Sending;

internal sealed class TenantConfigurationService(
    TenantConfigurationOverrides overrides,
    IOptionsFactory<WebSocketProviderOptions> optionsFactory,
    ProviderRegistry registry) : ITenantConfigurationService, IDisposable
{
    private readonly SemaphoreSlim _updates = new(1, 1);

    public ValueTask UpdateProviderConfigAsync(string tenantId, Action<WebSocketProviderOptions> update, CancellationToken cancellationToken = default) =>
        UpdateProviderConfigAsync(tenantId, WebSocketProviderDefaults.ProviderName, update, cancellationToken);

    public async ValueTask UpdateProviderConfigAsync(string tenantId, string providerName, Action<WebSocketProviderOptions> update, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentNullException.ThrowIfNull(update);
        var name = ProviderOptionsNames.For(providerName, tenantId);
        await _updates.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            overrides.Add(name, update);
            try
            {
                // Builds and validates the candidate; an invalid update is taken back before anyone sees it.
                optionsFactory.Create(name);
            }
            catch
            {
                overrides.RemoveLast(name, update);
                throw;
            }

            await registry.InvalidateAsync(providerName, tenantId).ConfigureAwait(false);
        }
        finally
        {
            _updates.Release();
        }
    }

    public async ValueTask ResetProviderConfigAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        await _updates.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            overrides.Clear(ProviderOptionsNames.For(WebSocketProviderDefaults.ProviderName, tenantId));
            await registry.InvalidateAsync(WebSocketProviderDefaults.ProviderName, tenantId).ConfigureAwait(false);
        }
        finally
        {
            _updates.Release();
        }
    }

    public void Dispose() => _updates.Dispose();
}
