namespace Notify.WebSocket;

/// <summary>
/// Decides when an external connection tries again after it dropped or an attempt failed, in the shape of SignalR's
/// <c>IRetryPolicy</c>. The default is capped exponential backoff with ±20 % jitter from <c>reconnectionDelay</c>,
/// <c>maxReconnectionDelay</c> and <c>reconnectionAttempts</c>. Register your own with
/// <c>builder.AddReconnectionPolicy(...)</c>.
/// </summary>
/// <remarks>
/// Returning <see langword="null"/> gives up: the connection becomes <see cref="WebSocketConnectionState.Failed"/>, and
/// it tries again later, once at a time, as described for <see cref="WebSocketConnectionState.Failed"/>. The policy
/// of a pooled connection is the one of the provider that opened it.
/// </remarks>
public interface IReconnectionPolicy
{
    /// <summary>How long to wait before the next attempt, or <see langword="null"/> to give up.</summary>
    /// <param name="context">What happened so far since the connection dropped.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    TimeSpan? NextReconnectionDelay(ReconnectionContext context);
}
