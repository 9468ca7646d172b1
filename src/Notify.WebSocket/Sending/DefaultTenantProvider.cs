using System.Text.Json;

namespace Notify.WebSocket.Sending;

/// <summary>
/// The <see cref="IWebSocketProvider"/> injected into host code: the default tenant's provider, looked up on every call
/// so configuration changes take effect without the host holding a stale provider.
/// </summary>
internal sealed class DefaultTenantProvider(ProviderRegistry registry) : IWebSocketProvider
{
    public string TenantId => WebSocketProviderDefaults.DefaultTenantId;

    public WebSocketMode Mode => Current().Mode;

    public WebSocketConnectionState State => Current().State;

    public async ValueTask<SendResult> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SendAsync(message, cancellationToken).ConfigureAwait(false);

    public async ValueTask<SendResult> SendToUserAsync(string userId, NotificationContent content, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SendToUserAsync(userId, content, cancellationToken).ConfigureAwait(false);

    public async ValueTask<SendResult> SendToChannelAsync(string channel, NotificationContent content, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SendToChannelAsync(channel, content, cancellationToken).ConfigureAwait(false);

    public async ValueTask<JsonElement> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).QueryAsync(request, cancellationToken).ConfigureAwait(false);

    public async ValueTask<T?> QueryAsync<T>(QueryRequest request, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).QueryAsync<T>(request, cancellationToken).ConfigureAwait(false);

    public async ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).ValidateAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<IncomingMessage> ReceiveAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var provider = await GetAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in provider.ReceiveAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return message;
        }
    }

    private ValueTask<IWebSocketProvider> GetAsync(CancellationToken cancellationToken) =>
        registry.GetProviderAsync(WebSocketProviderDefaults.DefaultTenantId, cancellationToken);

    private WebSocketProviderBase Current() => registry.GetProvider(WebSocketProviderDefaults.DefaultTenantId, WebSocketProviderDefaults.ProviderName);
}
