using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>A real Kestrel host on 127.0.0.1 (port 0) with JWT bearer auth, the provider in internal mode and the SignalR gateway.</summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, "/notifications");

    /// <summary>The URL a Socket.IO client is given (it adds <c>/socket.io/</c> itself).</summary>
    public Uri SocketIoUrl => BaseAddress;

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayServer> StartAsync(
        Action<WebSocketProviderOptions>? provider = null,
        Action<SignalRGatewayOptions>? gateway = null,
        Action<IWebSocketNotificationsBuilder>? notifications = null,
        Action<IServiceCollection>? services = null,
        Func<WebApplication, Microsoft.AspNetCore.Builder.HubEndpointConventionBuilder>? map = null,
        ILoggerProvider? logs = null,
        Action<SocketIoGatewayOptions>? socketIo = null,
        int port = 0,
        Action<WebApplication>? endpoints = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = TestTokens.Issuer,
                    ValidAudience = TestTokens.Audience,
                    IssuerSigningKey = TestTokens.Key,
                };

                // Browsers and SignalR's WebSocket transport send the token as ?access_token=.
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

        var notify = builder.Services.AddWebSocketNotifications(o =>
        {
            o.Mode = WebSocketMode.Internal;
            o.SupportChannelBroadcast = true;
            o.DefaultChannels = ["system"];
            provider?.Invoke(o);
        });
        notify.AddSignalRGateway(o =>
        {
            o.AllowedChannelPatterns = ["public.*", "alerts"];
            gateway?.Invoke(o);
        });
        if (socketIo is not null)
        {
            notify.AddSocketIoGateway(socketIo);
        }

        notifications?.Invoke(notify);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        if (map is null)
        {
            app.MapNotificationGateway("/notifications");
        }
        else
        {
            map(app);
        }

        if (socketIo is not null)
        {
            app.MapSocketIoGateway();
        }

        endpoints?.Invoke(app);

        await app.StartAsync();
        return new GatewayServer(app, new Uri(app.Urls.First()));
    }

    public async Task<IWebSocketProvider> ProviderAsync(string tenantId) =>
        await Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(tenantId);

    /// <summary>Connects a user and waits until the server has joined it to its groups (every test tenant has a default channel).</summary>
    public async Task<GatewayClient> ConnectAsync(string userId, string tenantId)
    {
        var client = await GatewayClient.ConnectAsync(HubUrl, TestTokens.For(userId, tenantId));
        await client.ReadyAsync();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
