namespace Notify.WebSocket;

/// <summary>
/// The spec's <c>notificationsService.send({ recipient, content, tenantId, channel: 'websocket' })</c>.
/// </summary>
public sealed record NotificationRequest
{
    /// <summary>Who it is for: a user or a channel.</summary>
    public required NotificationRecipient Recipient { get; init; }

    /// <summary>What it says.</summary>
    public required NotificationContent Content { get; init; }

    /// <summary>The tenant whose provider sends it.</summary>
    public required string TenantId { get; init; }

    /// <summary>The notification channel; only <c>websocket</c> is handled here.</summary>
    public string Channel { get; init; } = WebSocketProviderDefaults.ProviderType;

    /// <summary>Which named configuration to use. Default <c>websocket</c>.</summary>
    public string ProviderName { get; init; } = WebSocketProviderDefaults.ProviderName;

    /// <summary>
    /// An optional notification id (for receivers to deduplicate retries). With the notification inbox on, a send with
    /// the id of a notification already stored in the same stream (the user's, or the channel's) is taken as a retry of
    /// it and stores and delivers nothing again; the same id sent to another user or channel is another notification.
    /// </summary>
    public string? Id { get; init; }
}
