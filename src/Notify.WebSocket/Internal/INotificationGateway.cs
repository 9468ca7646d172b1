namespace Notify.WebSocket;

/// <summary>
/// The host's real-time gateway that internal mode pushes through: the ASP.NET Core SignalR hub
/// (<c>Notify.WebSocket.AspNetCore</c>), the <see cref="InProcessNotificationGateway"/>, or a host's own.
/// Implementations must keep tenants apart: a send for one tenant never reaches another tenant's connections.
/// </summary>
public interface INotificationGateway
{
    /// <summary>Delivers a notification to every connection of a user in a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="payload">The notification.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>How many connections it reached (0 when the user is offline).</returns>
    ValueTask<int> SendToUserAsync(string tenantId, string userId, NotificationPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Delivers a notification to every member of a tenant's channel.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="payload">The notification.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>How many connections it reached.</returns>
    ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default);
}
