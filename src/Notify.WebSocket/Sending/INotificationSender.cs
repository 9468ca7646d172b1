namespace Notify.WebSocket;

/// <summary>Sends a notification through the tenant's provider (the spec's <c>notificationsService.send</c>).</summary>
public interface INotificationSender
{
    /// <summary>Sends a notification.</summary>
    /// <param name="request">Recipient, content, tenant and channel.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">The request's channel is not <c>websocket</c>, its tenant is empty, or its recipient is invalid.</exception>
    /// <exception cref="OperationCanceledException">The send was cancelled.</exception>
    ValueTask<SendResult> SendAsync(NotificationRequest request, CancellationToken cancellationToken = default);
}
