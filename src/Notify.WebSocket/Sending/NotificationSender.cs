namespace Notify.WebSocket.Sending;

internal sealed class NotificationSender(ProviderRegistry registry) : INotificationSender
{
    public async ValueTask<SendResult> SendAsync(NotificationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TenantId, nameof(request));
        if (!string.Equals(request.Channel, WebSocketProviderDefaults.ProviderType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The notification channel \"{request.Channel}\" is not handled by the WebSocket provider; use \"websocket\".", nameof(request));
        }

        var provider = await registry.GetProviderAsync(request.TenantId, request.ProviderName, cancellationToken).ConfigureAwait(false);
        return await provider.SendAsync(new NotificationMessage(request.Recipient, request.Content) { Id = request.Id }, cancellationToken).ConfigureAwait(false);
    }
}
