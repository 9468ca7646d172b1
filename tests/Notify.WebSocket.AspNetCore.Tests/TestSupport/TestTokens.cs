using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>Signs test JWTs with a key made per test run (and can make a second, untrusted key).</summary>
internal static class TestTokens
{
    public const string Issuer = "notify-tests";
    public const string Audience = "notify-gateway";

    public static SymmetricSecurityKey Key { get; } = NewKey();

    public static SymmetricSecurityKey NewKey() => new(RandomNumberGenerator.GetBytes(32));

    public static string For(string? userId, string? tenantId, SecurityKey? key = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        if (userId is not null)
        {
            claims["sub"] = userId;
        }

        if (tenantId is not null)
        {
            claims["tenant_id"] = tenantId;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            NotBefore = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddMinutes(-20),
            IssuedAt = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddMinutes(-20),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
