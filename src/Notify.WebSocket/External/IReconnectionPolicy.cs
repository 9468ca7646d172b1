namespace Notify.WebSocket.External;

/// <summary>Decides how long to wait before reconnection attempt <c>attempt</c> (0-based), or that it is time to stop.</summary>
internal interface IReconnectionPolicy
{
    /// <returns>The delay, or <see langword="null"/> to give up.</returns>
    TimeSpan? NextDelay(int attempt);
}
