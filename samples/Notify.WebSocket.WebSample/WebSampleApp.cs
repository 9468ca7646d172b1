using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notify.WebSocket.WebSample;

/// <summary>Builds the sample host; tests start the same app on a free loopback port.</summary>
public static class WebSampleApp
{
    public const string HubPath = "/notifications";

    public const string InboxPath = "/api/inbox";

    public static WebApplication Build(WebApplicationOptions options)
    {
        var builder = WebApplication.CreateBuilder(options);
        var auth = builder.Configuration.GetSection("Auth");
        var issuer = auth["Issuer"] ?? "notify-web-sample";
        var audience = auth["Audience"] ?? "notify-web-sample";
        var signingKey = SigningKey(auth["SigningKey"], builder.Environment);

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer,
                    ValidAudience = audience,
                    IssuerSigningKey = signingKey,
                };

                // WebSockets cannot carry an Authorization header from a browser: SignalR sends ?access_token=.
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments(HubPath) && context.Request.Query["access_token"] is [{ } token])
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        // The provider, the SignalR gateway, and the inbox (every notification stored before it is sent, in SQLite in the
        // application's data folder unless Notifications:Inbox says otherwise); the endpoints are mapped below.
        var notifications = builder.Services
            .AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"))
            .AddSignalRGateway(builder.Configuration.GetSection("Notifications:Gateway"))
            .AddNotificationInbox(builder.Configuration.GetSection("Notifications:Inbox"))
            .AddSqlite();
        // Scale-out: "Notifications:Redis": "host:6379", or a section with configuration, channelPrefix, presenceTimeout.
        var redis = builder.Configuration.GetSection("Notifications:Redis");
        if (redis.Value is { Length: > 0 } redisConfiguration)
        {
            notifications.AddSignalRRedisScaleOut(redisConfiguration);
        }
        else if (redis["Configuration"] is { Length: > 0 })
        {
            notifications.AddSignalRRedisScaleOut(o => redis.Bind(o));
        }

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapNotificationGateway(HubPath);
        app.MapNotificationInbox(InboxPath);

        if (app.Environment.IsDevelopment())
        {
            // Development only: hands out a signed token for any user and tenant, so the page can log in without an identity provider.
            app.MapGet("/dev/token", (string userId, string tenantId) =>
            {
                if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrWhiteSpace(tenantId))
                {
                    return Results.BadRequest(new { error = "userId and tenantId are required" });
                }

                var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = issuer,
                    Audience = audience,
                    Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("tenant_id", tenantId)]),
                    Expires = DateTime.UtcNow.AddHours(1),
                    SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
                });
                return Results.Ok(new { token });
            });
        }

        // Sends through the provider, for the caller's own tenant (from the token, never from the request body).
        app.MapPost("/api/notifications/user", async (SendToUserRequest request, ClaimsPrincipal user, ProviderRegistry registry, CancellationToken ct) =>
        {
            var provider = await registry.GetProviderAsync(user.FindFirstValue("tenant_id")!, ct);
            var result = await provider.SendToUserAsync(request.UserId, new NotificationContent { Subject = request.Subject, Body = request.Body }, ct);
            return Results.Ok(Describe(result));
        }).RequireAuthorization();

        app.MapPost("/api/notifications/channel", async (SendToChannelRequest request, ClaimsPrincipal user, ProviderRegistry registry, CancellationToken ct) =>
        {
            var provider = await registry.GetProviderAsync(user.FindFirstValue("tenant_id")!, ct);
            var result = await provider.SendToChannelAsync(request.Channel, new NotificationContent { Subject = request.Subject, Body = request.Body }, ct);
            return Results.Ok(Describe(result));
        }).RequireAuthorization();

        return app;
    }

    private static object Describe(SendResult result) => new
    {
        result.Success,
        result.MessageId,
        connections = result.Metadata.GetValueOrDefault("deliveredConnections"),
        error = result.Error is { } e ? new { e.Code, e.Message } : null,
    };

    /// <summary>
    /// The key that signs and verifies tokens: <c>Auth:SigningKey</c> (base64, at least 32 bytes) when configured; in
    /// Development a random key made at start; anywhere else a missing key stops the app. Never logged.
    /// </summary>
    private static SymmetricSecurityKey SigningKey(string? configured, IWebHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Convert.FromBase64String(configured);
            return bytes.Length >= 32
                ? new SymmetricSecurityKey(bytes)
                : throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (base64-encoded).");
        }

        return environment.IsDevelopment()
            ? new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))
            : throw new InvalidOperationException("Auth:SigningKey is required outside Development (a base64 key of at least 32 bytes, from a secret store).");
    }

    private sealed record SendToUserRequest(string UserId, string? Subject, string? Body);

    private sealed record SendToChannelRequest(string Channel, string? Subject, string? Body);
}
