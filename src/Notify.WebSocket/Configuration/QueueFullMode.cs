namespace Notify.WebSocket;

/// <summary>What happens to a received message when the incoming queue is full (<c>messageHandling:whenQueueFull</c>).</summary>
public enum QueueFullMode
{
    /// <summary>Stop reading from the socket until there is room: back-pressure, nothing dropped.</summary>
    Wait = 0,

    /// <summary>Refuse the message: counted (<c>notify.websocket.messages.dropped</c>, reason <c>handling-queue-full</c>) and logged.</summary>
    Drop = 1,
}
