namespace Notify.WebSocket;

/// <summary>The outcome of <see cref="IWebSocketProvider.ValidateAsync(CancellationToken)"/>.</summary>
public sealed record ProviderValidationResult
{
    /// <summary>A valid result.</summary>
    public static ProviderValidationResult Valid { get; } = new() { IsValid = true };

    /// <summary>Whether the provider can deliver.</summary>
    public bool IsValid { get; init; }

    /// <summary>What prevents delivery; <see langword="null"/> when valid.</summary>
    public WebSocketNotificationError? Error { get; init; }

    /// <summary>An invalid result.</summary>
    /// <param name="error">What prevents delivery.</param>
    /// <returns>The result.</returns>
    public static ProviderValidationResult Invalid(WebSocketNotificationError error) => new() { IsValid = false, Error = error };
}
