namespace Notify.WebSocket;

/// <summary>A change of a provider's connection state (<see cref="IWebSocketProvider.StateChanged"/>).</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the arguments of one change.</summary>
    /// <param name="previousState">The state before.</param>
    /// <param name="state">The state now.</param>
    /// <param name="attempt">For <see cref="WebSocketConnectionState.Reconnecting"/>: the attempt about to be made (1-based; 0 for a planned reconnect, such as a credential rotation).</param>
    /// <param name="delay">For <see cref="WebSocketConnectionState.Reconnecting"/>: how long until that attempt.</param>
    /// <param name="error">Why the connection dropped or failed, when it did.</param>
    public ConnectionStateChangedEventArgs(WebSocketConnectionState previousState, WebSocketConnectionState state, int attempt, TimeSpan? delay, WebSocketNotificationError? error)
    {
        PreviousState = previousState;
        State = state;
        Attempt = attempt;
        Delay = delay;
        Error = error;
    }

    /// <summary>The state before.</summary>
    public WebSocketConnectionState PreviousState { get; }

    /// <summary>The state now.</summary>
    public WebSocketConnectionState State { get; }

    /// <summary>For <see cref="WebSocketConnectionState.Reconnecting"/>: the attempt about to be made (1-based; 0 for a planned reconnect).</summary>
    public int Attempt { get; }

    /// <summary>For <see cref="WebSocketConnectionState.Reconnecting"/>: how long until that attempt.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>Why the connection dropped or failed, when it did.</summary>
    public WebSocketNotificationError? Error { get; }

    /// <summary>Connected again after a drop (or after giving up): the server may have missed what was sent meanwhile without acknowledgments.</summary>
    public bool IsReconnected => State == WebSocketConnectionState.Connected && PreviousState is WebSocketConnectionState.Reconnecting or WebSocketConnectionState.Failed;

    /// <summary>A description without secrets.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{PreviousState} -> {State}{(Attempt > 0 ? $" (attempt {Attempt} in {Delay?.TotalMilliseconds:0} ms)" : string.Empty)}{(Error is null ? string.Empty : ": " + Error.Message)}";
}
