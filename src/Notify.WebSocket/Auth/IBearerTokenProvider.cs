namespace Notify.WebSocket;

/// <summary>
/// Supplies the bearer token of <c>authType: bearer</c> before every connection attempt (from OAuth client credentials,
/// a managed identity, a vault, …) instead of the configured <c>authToken</c>. Register one with
/// <c>builder.AddBearerTokenProvider(...)</c>; cache tokens yourself if fetching them is costly.
/// </summary>
public interface IBearerTokenProvider
{
    /// <summary>Gets the token to connect with.</summary>
    /// <param name="context">Who connects, and which attempt it is.</param>
    /// <param name="cancellationToken">Cancelled when the attempt times out or the connection closes.</param>
    /// <returns>The token.</returns>
    ValueTask<string> GetTokenAsync(AuthContext context, CancellationToken cancellationToken);
}
