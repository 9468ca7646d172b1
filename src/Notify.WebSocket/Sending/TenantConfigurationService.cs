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
        Task retiring;
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

            retiring = Replace(providerName, tenantId);
        }
        finally
        {
            _updates.Release();
        }

        await retiring.ConfigureAwait(false);
    }

    public async ValueTask ResetProviderConfigAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        Task retiring;
        await _updates.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            overrides.Clear(ProviderOptionsNames.For(WebSocketProviderDefaults.ProviderName, tenantId));
            retiring = Replace(WebSocketProviderDefaults.ProviderName, tenantId);
        }
        finally
        {
            _updates.Release();
        }

        await retiring.ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the tenant's new provider in place now (the registry swaps it before its first await) and returns the old
    /// one's retirement, which the caller awaits outside the gate: an old provider with calls held up (its connection is
    /// down) can take up to its grace to retire, and the next update, a rotation to the token the server takes now,
    /// must not wait behind that.
    /// </summary>
    private Task Replace(string providerName, string tenantId) => registry.InvalidateAsync(providerName, tenantId).AsTask();

    public void Dispose() => _updates.Dispose();
}
