namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>The Socket.IO layer's settings.</summary>
/// <param name="ConnectTimeout">How long a connection may stay without joining a namespace before it is closed.</param>
/// <param name="MaxAttachments">The most binary attachments one packet may announce.</param>
internal sealed record SocketIoServerSettings(TimeSpan ConnectTimeout, int MaxAttachments)
{
    public static SocketIoServerSettings Default { get; } = new(TimeSpan.FromSeconds(45), 10);
}
