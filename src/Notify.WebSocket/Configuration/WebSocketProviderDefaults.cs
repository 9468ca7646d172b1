namespace Notify.WebSocket;

/// <summary>The documented defaults, in one place.</summary>
internal static class WebSocketProviderDefaults
{
    public const string ProviderType = "websocket";
    public const string ProviderName = "websocket";
    public const string DefaultTenantId = "default";
    public const string SectionPath = "Notifications:WebSocket";
    public const int ReconnectionAttempts = 5;
    public const int ReconnectionDelayMs = 1000;
    public const int MaxReconnectionDelayMs = 30_000;
    public const int TimeoutMs = 20_000;
    public const int RequestTimeoutMs = 5000;
    public const int AcknowledgmentTimeoutMs = 10_000;
    public const int HeartbeatIntervalMs = 30_000;
    public const int HeartbeatTimeoutMs = 10_000;
    public const int SendQueueCapacity = 1000;
    public const int MaxMessageSize = 1024 * 1024;
    public const string SocketIoPath = "/socket.io";
    public const string NotificationEvent = "notification";
    public const string ChannelBroadcastEvent = "channel:broadcast";
    public const string IncomingMessageEvent = "message:received";
    public const string JoinEvent = "join_room";
    public const string LeaveEvent = "leave_room";

    public static readonly string[] Transports = ["websocket", "polling"];
}
