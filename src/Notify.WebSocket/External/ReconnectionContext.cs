namespace Notify.WebSocket;

/// <summary>What an <see cref="IReconnectionPolicy"/> decides on.</summary>
public sealed class ReconnectionContext
{
    /// <summary>Attempts made since the connection dropped (0 before the first).</summary>
    public required int PreviousAttempts { get; init; }

    /// <summary>Time since the connection dropped.</summary>
    public required TimeSpan ElapsedTime { get; init; }

    /// <summary>Why the connection dropped, or why the last attempt failed.</summary>
    public required WebSocketNotificationError Reason { get; init; }

    /// <summary>The server, without credentials (a query string's values are redacted).</summary>
    public required string Endpoint { get; init; }

    /// <summary>The options of the provider that opened the connection (a policy must never log their secrets).</summary>
    public required WebSocketProviderOptions Options { get; init; }
}
