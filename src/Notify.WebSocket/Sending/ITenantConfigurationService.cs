namespace Notify.WebSocket;

/// <summary>
/// Changes a tenant's provider configuration at run time (the spec's <c>tenantService.updateProviderConfig</c>),
/// for example to rotate an <c>authToken</c> without a restart.
/// </summary>
public interface ITenantConfigurationService
{
    /// <summary>
    /// Applies <paramref name="update"/> over the tenant's current configuration, validates the result and, when it is
    /// valid, recreates the tenant's provider: the next sends use the new configuration and the pooled connection
    /// held for the old credentials is released (and closed when no other provider uses it).
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="update">Changes to make, for example <c>o =&gt; o.AuthToken = newToken</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the old provider is closed.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The updated configuration is invalid; nothing changed.</exception>
    ValueTask UpdateProviderConfigAsync(string tenantId, Action<WebSocketProviderOptions> update, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="UpdateProviderConfigAsync(string, Action{WebSocketProviderOptions}, CancellationToken)"/>, for a named configuration.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="providerName">The name given to <c>AddWebSocketNotifications</c>.</param>
    /// <param name="update">Changes to make.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the old provider is closed.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The updated configuration is invalid; nothing changed.</exception>
    ValueTask UpdateProviderConfigAsync(string tenantId, string providerName, Action<WebSocketProviderOptions> update, CancellationToken cancellationToken = default);

    /// <summary>Drops every run-time update of the tenant, going back to appsettings.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the old provider is closed.</returns>
    ValueTask ResetProviderConfigAsync(string tenantId, CancellationToken cancellationToken = default);
}
