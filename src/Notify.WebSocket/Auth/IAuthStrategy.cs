namespace Notify.WebSocket;

/// <summary>
/// Applies one <c>authType</c>'s credentials to a connection request: headers, query parameters and, for Socket.IO,
/// the handshake's <c>auth</c> payload. It is called before every connection attempt, so a credential can be fetched or
/// refreshed per attempt (the way SignalR's <c>AccessTokenProvider</c> is). Register custom strategies with
/// <c>builder.AddAuthStrategy&lt;T&gt;()</c>; their <see cref="AuthType"/> becomes a valid <c>authType</c> value.
/// </summary>
/// <remarks>
/// A connection that uses a custom strategy is never shared between tenants or provider configurations: its
/// credentials may depend on <see cref="AuthContext.TenantId"/>. An exception from <see cref="ApplyAsync"/> fails the
/// attempt, which is retried like any failed connection attempt; its message is logged, so it must carry no secret.
/// </remarks>
public interface IAuthStrategy
{
    /// <summary>The <c>authType</c> value this strategy handles (case-insensitive).</summary>
    string AuthType { get; }

    /// <summary>Adds the credentials to <see cref="AuthContext.Request"/>.</summary>
    /// <param name="context">The request being built, who it is for and which attempt it is.</param>
    /// <param name="cancellationToken">Cancelled when the attempt times out (<c>timeout</c>) or the connection closes.</param>
    /// <returns>A task that completes when the request carries the credentials.</returns>
    ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Checks, when the host starts (and on every configuration change), the options a provider configured with this
    /// <c>authType</c> needs. Each problem is a sentence that starts with the key it is about, relative to the
    /// provider's section, and says the fix (for example <c>authHeaders:X-Api-Key is required …</c>); the section's
    /// full key path is put in front of it (<c>Notifications:WebSocket:tenants:7:authHeaders:X-Api-Key is required …</c>),
    /// and any problem stops the host at start with the others.
    /// </summary>
    /// <param name="options">The provider's options.</param>
    /// <returns>The problems; none by default.</returns>
    IEnumerable<string> Validate(WebSocketProviderOptions options) => [];
}
