// The packed packages at run time (.ci/consumer-test.sh): a user's web app with the SignalR and Socket.IO gateways and
// the durable inbox on SQLite, behind JWT bearer authentication, driven by the Node SignalR and Socket.IO clients
// (client.mjs). Settings come from
// the command line: --Run:SigningKey (base64, 32 bytes), --Run:Database (the SQLite file), --urls.
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Notify.WebSocket;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var signingKey = new SymmetricSecurityKey(Convert.FromBase64String(builder.Configuration["Run:SigningKey"]!));
builder.Services.AddAuthorization();
builder.Services
    .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddJwtBearer(o =>
    {
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters { ValidateIssuer = false, ValidateAudience = false, IssuerSigningKey = signingKey };
        o.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/notifications") && context.Request.Query["access_token"] is [{ } token])
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
        };
    });

builder.Configuration["Notifications:WebSocket:mode"] = "internal";
builder.Configuration["Notifications:WebSocket:defaultChannels:0"] = "system";
builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"))
    .AddSignalRGateway()
    .AddSocketIoGateway()
    .AddNotificationInbox(o => o.DatabasePath = builder.Configuration["Run:Database"])
    .AddSqlite();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapNotificationGateway("/notifications");
app.MapSocketIoGateway("/socket.io");
app.MapNotificationInbox("/api/inbox");
app.MapPost("/send/{userId}", async (string userId, string subject, ClaimsPrincipal user, ProviderRegistry registry, CancellationToken ct) =>
{
    var provider = await registry.GetProviderAsync(user.FindFirstValue("tenant_id")!, ct);
    var result = await provider.SendToUserAsync(userId, new NotificationContent { Subject = subject }, ct);
    return Results.Ok(new { result.Success, result.MessageId, code = result.Error?.Code });
}).RequireAuthorization();
app.Run();
