namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// What the request that opened an Engine.IO session carried, kept for the namespace's connect: who it authenticated
/// as, and the <c>positions</c> query parameter (the inbox's replay positions, as SignalR clients give them).
/// </summary>
internal sealed record SocketIoOpening(SocketIoAuthentication Authentication, string? Positions);
