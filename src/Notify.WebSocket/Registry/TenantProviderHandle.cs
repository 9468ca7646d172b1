using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Notify.WebSocket.Registry;

/// <summary>
/// The <see cref="IWebSocketProvider"/> that <see cref="ProviderRegistry"/> hands out (and the one injected for the
/// default tenant): it forwards every call to the tenant's current provider, so it stays valid across configuration
/// changes and releases. A call that races with the replacement of the provider it reached is made again on the new
/// one, so a caller never sees the old provider's <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class TenantProviderHandle(ProviderRegistry registry, string providerName, string tenantId) : IWebSocketProvider
{
    /// <summary>A replacement happens once per configuration change; more in a row would mean a bug, not a race.</summary>
    private const int MaxReplacementsPerCall = 3;

    public string TenantId => tenantId;

    public WebSocketMode Mode => Current().Mode;

    public WebSocketConnectionState State => Current().State;

    /// <summary>The provider calls go to now (created on first use).</summary>
    internal WebSocketProviderBase Current() => registry.GetProvider(tenantId, providerName);

    public ValueTask<SendResult> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default) =>
        Forward(static (p, a) => p.SendAsync(a.message, a.cancellationToken), (message, cancellationToken));

    public ValueTask<SendResult> SendToUserAsync(string userId, NotificationContent content, CancellationToken cancellationToken = default) =>
        Forward(static (p, a) => p.SendToUserAsync(a.userId, a.content, a.cancellationToken), (userId, content, cancellationToken));

    public ValueTask<SendResult> SendToChannelAsync(string channel, NotificationContent content, CancellationToken cancellationToken = default) =>
        Forward(static (p, a) => p.SendToChannelAsync(a.channel, a.content, a.cancellationToken), (channel, content, cancellationToken));

    public ValueTask<JsonElement> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default) =>
        Forward(static (p, a) => p.QueryAsync(a.request, a.cancellationToken), (request, cancellationToken));

    public ValueTask<T?> QueryAsync<T>(QueryRequest request, CancellationToken cancellationToken = default) =>
        Forward(static (p, a) => p.QueryAsync<T>(a.request, a.cancellationToken), (request, cancellationToken));

    public ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default) =>
        Forward(static (p, a) => p.ValidateAsync(a), cancellationToken);

    /// <summary>
    /// Subscribes to the current provider at once (the subscription is live when this returns), and when that
    /// provider is replaced, goes on with the new one until <paramref name="cancellationToken"/> is cancelled or the
    /// registry is disposed.
    /// </summary>
    public IAsyncEnumerable<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var provider = Current();
        return FollowAsync(provider, provider.ReceiveAsync(cancellationToken), cancellationToken);
    }

    private async IAsyncEnumerable<IncomingMessage> FollowAsync(
        WebSocketProviderBase provider,
        IAsyncEnumerable<IncomingMessage> stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            await foreach (var message in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }

            if (cancellationToken.IsCancellationRequested || registry.IsDisposed)
            {
                yield break;
            }

            WebSocketProviderBase next;
            try
            {
                next = Current();
            }
            catch (ObjectDisposedException)
            {
                yield break;
            }

            if (ReferenceEquals(next, provider))
            {
                yield break;
            }

            provider = next;
            stream = next.ReceiveAsync(cancellationToken);
        }
    }

    private ValueTask<TResult> Forward<TArgs, TResult>(Func<WebSocketProviderBase, TArgs, ValueTask<TResult>> call, TArgs args)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Disposal is checked synchronously at the start of every provider call, so catching here is enough.
            try
            {
                return call(Current(), args);
            }
            catch (ObjectDisposedException) when (attempt < MaxReplacementsPerCall && !registry.IsDisposed)
            {
            }
        }
    }
}
