using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket;

/// <summary>
/// Hands out one provider per (provider name, tenant) and pools the connections behind them: providers whose
/// configurations resolve to the same endpoint and identity share one physical connection, held by reference count
/// and closed when the last provider using it goes away. A tenant's provider is recreated when its configuration
/// changes (appsettings reload or <see cref="ITenantConfigurationService"/>), releasing the old connection.
/// </summary>
public sealed class ProviderRegistry : IAsyncDisposable
{
    /// <summary>How long a replaced or released provider waits for the sends and queries it already has.</summary>
    private static readonly TimeSpan RetireGrace = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<ProviderKey, WebSocketProviderBase> _providers = new();
    private readonly ConcurrentDictionary<ProviderKey, Registry.TenantProviderHandle> _handles = new();
    private readonly Lock _gate = new();
    private readonly IOptionsMonitor<WebSocketProviderOptions> _options;
    private readonly IOptionsMonitorCache<WebSocketProviderOptions> _optionsCache;
    private readonly Registry.ProviderFactory _factory;
    private readonly Registry.ConnectionPool _pool;
    private readonly ILogger _logger;
    private readonly IDisposable? _changeSubscription;
    private bool _disposed;

    internal ProviderRegistry(
        IOptionsMonitor<WebSocketProviderOptions> options,
        IOptionsMonitorCache<WebSocketProviderOptions> optionsCache,
        Registry.ProviderFactory factory,
        Registry.ConnectionPool pool,
        ILogger logger)
    {
        _options = options;
        _optionsCache = optionsCache;
        _factory = factory;
        _pool = pool;
        _logger = logger;
        _changeSubscription = options.OnChange(OnOptionsChanged);
    }

    /// <summary>How many physical connections are open in the pool.</summary>
    public int PooledConnectionCount => _pool.Count;

    internal Registry.ConnectionPool Pool => _pool;

    internal bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>Gets the tenant's provider of the default configuration (<c>websocket</c>).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The tenant's provider. It may be kept: it forwards to the tenant's current provider, so it stays valid across
    /// configuration changes and <see cref="ReleaseProviderAsync(string, string?, CancellationToken)"/>.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is empty.</exception>
    /// <exception cref="OptionsValidationException">The tenant's configuration is invalid.</exception>
    public ValueTask<IWebSocketProvider> GetProviderAsync(string tenantId, CancellationToken cancellationToken = default) =>
        GetProviderAsync(tenantId, WebSocketProviderDefaults.ProviderName, cancellationToken);

    /// <summary>Gets the tenant's provider of a named configuration.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="providerName">The name given to <c>AddWebSocketNotifications</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The tenant's provider. It may be kept: it forwards to the tenant's current provider, so it stays valid across
    /// configuration changes and <see cref="ReleaseProviderAsync(string, string?, CancellationToken)"/>.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> or <paramref name="providerName"/> is empty.</exception>
    /// <exception cref="OptionsValidationException">The tenant's configuration is invalid.</exception>
    public ValueTask<IWebSocketProvider> GetProviderAsync(string tenantId, string providerName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        cancellationToken.ThrowIfCancellationRequested();

        // The provider is created now, so a configuration error surfaces here and an external one starts connecting.
        GetProvider(tenantId, providerName);
        return new ValueTask<IWebSocketProvider>(Handle(tenantId, providerName));
    }

    /// <summary>
    /// Closes a tenant's provider and releases its share of the pooled connection (the connection closes when no other
    /// provider uses it). Providers handed out for the tenant stay valid: the next call creates a new provider from the
    /// tenant's current configuration.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="providerName">The name given to <c>AddWebSocketNotifications</c>; the default configuration when omitted.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>A task that completes when the provider is closed.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is empty.</exception>
    public ValueTask ReleaseProviderAsync(string tenantId, string? providerName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return InvalidateAsync(providerName ?? WebSocketProviderDefaults.ProviderName, tenantId, replace: false);
    }

    /// <summary>The long-lived provider of a tenant: forwards to whatever provider is current.</summary>
    internal Registry.TenantProviderHandle Handle(string tenantId, string providerName) =>
        _handles.GetOrAdd(new ProviderKey(providerName, tenantId), static (key, registry) => new Registry.TenantProviderHandle(registry, key.ProviderName, key.TenantId), this);

    /// <summary>Creating a provider does no I/O (external providers connect in the background), so the lookup is synchronous.</summary>
    internal WebSocketProviderBase GetProvider(string tenantId, string providerName)
    {
        var key = new ProviderKey(providerName, tenantId);
        if (_providers.TryGetValue(key, out var existing))
        {
            return existing;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _providers.TryGetValue(key, out existing) ? existing : CreateLocked(key, predecessor: null);
        }
    }

    private WebSocketProviderBase CreateLocked(ProviderKey key, WebSocketProviderBase? predecessor)
    {
        var options = _options.Get(ProviderOptionsNames.For(key.ProviderName, key.TenantId));
        var provider = _factory.Create(key.TenantId, options, _pool, ProviderOptionsNames.For(key.ProviderName, key.TenantId), predecessor);
        _providers[key] = provider;
        Log.ProviderCreated(_logger, options.Mode, key.ProviderName, key.TenantId);
        return provider;
    }

    /// <summary>Closes every provider and pooled connection.</summary>
    /// <returns>A task that completes when everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        List<WebSocketProviderBase> providers;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            providers = [.. _providers.Values];
            _providers.Clear();
        }

        _changeSubscription?.Dispose();
        foreach (var provider in providers)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }

        await _pool.DisposeAsync().ConfigureAwait(false);
    }

    internal IReadOnlyList<(string ProviderName, string TenantId, IWebSocketProvider Provider)> Snapshot() =>
        [.. _providers.Select(p => (p.Key.ProviderName, p.Key.TenantId, (IWebSocketProvider)p.Value))];

    /// <summary>
    /// Drops the cached options of a tenant (or of every tenant) and replaces its provider, make before break: the new
    /// provider is created first from the new options (taking over the connection when only the credentials changed),
    /// so calls go to it at once, and the old one is retired once the calls it already had are done.
    /// </summary>
    internal async ValueTask InvalidateAsync(string providerName, string? tenantId, bool replace = true)
    {
        List<KeyValuePair<ProviderKey, WebSocketProviderBase>> removed;
        lock (_gate)
        {
            removed = [.. _providers.Where(p => p.Key.ProviderName == providerName && (tenantId is null || p.Key.TenantId == tenantId))];
            foreach (var entry in removed)
            {
                _providers.TryRemove(entry);
                _optionsCache.TryRemove(ProviderOptionsNames.For(providerName, entry.Key.TenantId));
            }

            if (tenantId is not null)
            {
                _optionsCache.TryRemove(ProviderOptionsNames.For(providerName, tenantId));
            }

            if (replace && !_disposed)
            {
                foreach (var (key, provider) in removed)
                {
                    try
                    {
                        CreateLocked(key, provider);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // An invalid configuration surfaces at the tenant's next call, as it would for a new tenant.
                        Log.ProviderReplacementFailed(_logger, ex, key.ProviderName, key.TenantId);
                    }
                }
            }
        }

        foreach (var (key, provider) in removed)
        {
            Log.ProviderInvalidated(_logger, key.ProviderName, key.TenantId);
            try
            {
                await provider.RetireAsync(RetireGrace).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.ProviderDisposeFailed(_logger, ex, key.TenantId);
            }
        }
    }

    private void OnOptionsChanged(WebSocketProviderOptions options, string? name)
    {
        var (providerName, tenantId) = ProviderOptionsNames.Parse(name);

        // A change of the base section changes every tenant that inherits from it.
        _ = InvalidateAsync(providerName, tenantId).AsTask();
    }

    private readonly record struct ProviderKey(string ProviderName, string TenantId);
}
