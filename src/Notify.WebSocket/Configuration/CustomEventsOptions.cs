namespace Notify.WebSocket;

/// <summary>Event names used on the wire (<c>customEvents</c>).</summary>
public sealed class CustomEventsOptions
{
    /// <summary>The event a user notification is sent as. Default <c>notification</c>.</summary>
    public string Notification { get; set; } = WebSocketProviderDefaults.NotificationEvent;

    /// <summary>The event a channel broadcast is sent as. Default <c>channel:broadcast</c>.</summary>
    public string ChannelBroadcast { get; set; } = WebSocketProviderDefaults.ChannelBroadcastEvent;

    /// <summary>The event the server pushes incoming messages as; always received when <c>enableReceiving</c> is on. Default <c>message:received</c>.</summary>
    public string IncomingMessage { get; set; } = WebSocketProviderDefaults.IncomingMessageEvent;

    /// <summary>The event that joins a channel, sent as <c>{ room }</c>. Default <c>join_room</c>.</summary>
    public string Join { get; set; } = WebSocketProviderDefaults.JoinEvent;

    /// <summary>The event that leaves a channel, sent as <c>{ room }</c>. Default <c>leave_room</c>.</summary>
    public string Leave { get; set; } = WebSocketProviderDefaults.LeaveEvent;

    internal CustomEventsOptions Clone() => (CustomEventsOptions)MemberwiseClone();
}
