using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// A Kestrel host with the SignalR gateway on a free loopback port, tenant 1. A connection with <c>?user=</c> is that
/// authenticated user (a stand-in for the host's authentication, which is not what is measured); others are anonymous.
/// </summary>
internal sealed class HarnessSignalRHost : IAsyncDisposable
{
    public const string Tenant = "1";

    private readonly WebApplication _app;

    private HarnessSignalRHost(WebApplication app, IWebSocketProvider provider)
    {
        _app = app;
        Provider = provider;
        HubUrl = new Uri(new Uri(app.Urls.First()), "/notifications");
    }

    public Uri HubUrl { get; }

    public IServiceProvider Services => _app.Services;

    public IWebSocketProvider Provider { get; }

    /// <summary>
    /// Starts a host; <paramref name="configure"/> adds to the notifications builder (the inbox, for example). With
    /// <paramref name="defaultChannels"/>, every connection joins them and gets <c>channel:joined</c> once it is set up.
    /// </summary>
    public static async Task<HarnessSignalRHost> StartAsync(string[] channelPatterns, Action<IWebSocketNotificationsBuilder>? configure, CancellationToken cancellationToken, string[]? defaultChannels = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var notifications = builder.Services
            .AddWebSocketNotifications(o =>
            {
                o.SupportChannelBroadcast = true;
                o.DefaultChannels = defaultChannels ?? [];
            })
            .AddSignalRGateway(o =>
            {
                o.AllowAnonymous = true;
                o.AnonymousTenantId = Tenant;
                o.AllowedChannelPatterns = channelPatterns;
                o.ConnectionPermitLimit = null; // the harness reconnects the same user many times
                o.TenantSendPermitLimit = null;
            });
        configure?.Invoke(notifications);
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Query["user"] is [{ Length: > 0 } user])
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user), new Claim("tenant_id", Tenant)], "harness"));
            }

            return next(context);
        });
        app.MapNotificationGateway();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var provider = await app.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(Tenant, cancellationToken).ConfigureAwait(false);
        return new HarnessSignalRHost(app, provider);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
