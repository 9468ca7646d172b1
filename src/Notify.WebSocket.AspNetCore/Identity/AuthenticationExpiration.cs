using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Notify.WebSocket.AspNetCore.Identity;

/// <summary>When a connection's authentication expires, for the gateway to end it then.</summary>
internal static class AuthenticationExpiration
{
    /// <summary>
    /// The expiry the host's authentication handler set on the request that opened the connection
    /// (<c>AuthenticationProperties.ExpiresUtc</c>, as SignalR's own <c>CloseOnAuthenticationExpiration</c> reads it;
    /// JWT bearer sets it from the token's <c>exp</c>), else the user's <c>exp</c> claim; null when neither is known.
    /// </summary>
    /// <param name="httpContext">The request that opened the connection.</param>
    /// <param name="user">The connection's user.</param>
    /// <returns>The expiry, or null.</returns>
    public static DateTimeOffset? Of(HttpContext? httpContext, ClaimsPrincipal? user) =>
        Of(httpContext?.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult, user);

    /// <summary>The expiry of an authentication result: its <c>ExpiresUtc</c>, else the user's <c>exp</c> claim.</summary>
    /// <param name="result">The result of the host's authentication handler, if any.</param>
    /// <param name="user">The authenticated user.</param>
    /// <returns>The expiry, or null.</returns>
    public static DateTimeOffset? Of(AuthenticateResult? result, ClaimsPrincipal? user)
    {
        if (result?.Properties?.ExpiresUtc is { } expires)
        {
            return expires;
        }

        return user?.Identity?.IsAuthenticated == true
            && long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds is > 0 and < 253402300800
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
    }
}
