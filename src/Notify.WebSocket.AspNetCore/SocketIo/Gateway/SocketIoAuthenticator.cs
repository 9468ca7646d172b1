using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Identity;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// Runs the host's ASP.NET Core authentication for Socket.IO connections. A token in the handshake (<c>auth.token</c>,
/// or the <c>access_token</c> query parameter of the opening request) is presented to the authentication scheme as
/// <c>Authorization: Bearer &lt;token&gt;</c> on a request of its own, so any bearer handler (JWT bearer, a custom one)
/// validates it exactly as it validates the host's HTTP requests. Otherwise the opening request itself is
/// authenticated (its <c>Authorization</c> header, cookies, whatever the scheme reads). Nothing the client claims about
/// itself is trusted.
/// </summary>
internal sealed class SocketIoAuthenticator(IServiceScopeFactory scopes, IServiceProvider services, IOptions<SocketIoGatewayOptions> options)
{
    private const string AccessTokenParameter = "access_token";

    /// <summary>Authenticates the HTTP request that opened an Engine.IO session.</summary>
    public async ValueTask<SocketIoAuthentication> AuthenticateRequestAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count == 0 && QueryParameters.Get(context.Request.QueryString.Value, AccessTokenParameter) is { Length: > 0 } token)
        {
            return await AuthenticateTokenAsync(token).ConfigureAwait(false);
        }

        // A host without authentication: nothing to run (and no request scope made for it, which a WebSocket's request
        // would keep for as long as the connection lives).
        return await HasSchemeAsync().ConfigureAwait(false) ? await AuthenticateAsync(context).ConfigureAwait(false) : SocketIoAuthentication.Anonymous;
    }

    /// <summary>Authenticates a bearer token given in the handshake.</summary>
    public async ValueTask<SocketIoAuthentication> AuthenticateTokenAsync(string token)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (!await HasSchemeAsync().ConfigureAwait(false))
            {
                return SocketIoAuthentication.Anonymous;
            }

            var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            request.Request.Headers.Authorization = "Bearer " + token;
            return await AuthenticateAsync(request).ConfigureAwait(false);
        }
    }

    /// <summary>Whether there is a scheme to run: the one named, or the host's default (none: every connection is anonymous).</summary>
    private async ValueTask<bool> HasSchemeAsync() =>
        options.Value.AuthenticationScheme is not null
        || (services.GetService<IAuthenticationSchemeProvider>() is { } schemes && await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is not null);

    private async ValueTask<SocketIoAuthentication> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(options.Value.AuthenticationScheme).ConfigureAwait(false);
        return result.Succeeded
            ? new SocketIoAuthentication(result.Principal, AuthenticationExpiration.Of(result, result.Principal))
            : SocketIoAuthentication.Anonymous;
    }
}
