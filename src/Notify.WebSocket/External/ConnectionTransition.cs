namespace Notify.WebSocket.External;

/// <summary>A change of a connection's state, as its supervisor saw it.</summary>
/// <param name="State">The new state.</param>
/// <param name="Attempt">For <see cref="WebSocketConnectionState.Reconnecting"/>: the number of the attempt that is scheduled (1-based).</param>
/// <param name="Delay">For <see cref="WebSocketConnectionState.Reconnecting"/>: how long until that attempt.</param>
/// <param name="Error">Why the connection dropped or failed.</param>
internal sealed record ConnectionTransition(WebSocketConnectionState State, int Attempt = 0, TimeSpan? Delay = null, WebSocketNotificationError? Error = null);
