namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// Delivers an event to every member of a gateway group over one transport (SignalR today). The gateway's sender
/// calls every registered broadcaster, so one send reaches a user's connections whatever transport they use.
/// </summary>
internal interface IGroupBroadcaster
{
    /// <summary>Sends <paramref name="payload"/> as <paramref name="eventName"/> to the members of <paramref name="group"/>.</summary>
    Task SendToGroupAsync(string group, string eventName, object payload, CancellationToken cancellationToken);
}
