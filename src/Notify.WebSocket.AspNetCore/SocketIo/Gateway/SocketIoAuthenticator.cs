using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Identity;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// Runs the host's ASP.NET Core authentication for Socket.IO connections. A token in the handshake (<c>auth.token</c>,
/// or the <c>access_token</c> query parameter of the opening request) is presented to the authentication scheme as
/// <c>Authorization: Bearer &lt;token&gt;</c> on a request of its own, so any bearer handler (JWT bearer, a custom one)
/// validates it exactly as it validates the host's HTTP requests. Otherwise the opening request itself is
/// authenticated (its <c>Authorization</c> header, cookies, whatever the scheme reads). Nothing the client claims about
/// itself is trusted.
/// </summary>
internal sealed class SocketIoAuthenticator(IServiceScopeFactory scopes, IOptions<SocketIoGatewayOptions> options)
{
    private const string AccessTokenParameter = "access_token";

    /// <summary>Authenticates the HTTP request that opened an Engine.IO session.</summary>
    public async ValueTask<SocketIoAuthentication> AuthenticateRequestAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count == 0 && context.Request.Query[AccessTokenParameter] is [{ Length: > 0 } token])
        {
            return await AuthenticateTokenAsync(token).ConfigureAwait(false);
        }

        return await AuthenticateAsync(context).ConfigureAwait(false);
    }

    /// <summary>Authenticates a bearer token given in the handshake.</summary>
    public async ValueTask<SocketIoAuthentication> AuthenticateTokenAsync(string token)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            request.Request.Headers.Authorization = "Bearer " + token;
            return await AuthenticateAsync(request).ConfigureAwait(false);
        }
    }

    private async ValueTask<SocketIoAuthentication> AuthenticateAsync(HttpContext context)
    {
        var scheme = options.Value.AuthenticationScheme;
        if (scheme is null)
        {
            // No scheme named and none by default: the host has no authentication, every connection is anonymous.
            var schemes = context.RequestServices.GetService<IAuthenticationSchemeProvider>();
            if (schemes is null || await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is null)
            {
                return SocketIoAuthentication.Anonymous;
            }
        }

        var result = await context.AuthenticateAsync(scheme).ConfigureAwait(false);
        return result.Succeeded
            ? new SocketIoAuthentication(result.Principal, AuthenticationExpiration.Of(result, result.Principal))
            : SocketIoAuthentication.Anonymous;
    }
}
