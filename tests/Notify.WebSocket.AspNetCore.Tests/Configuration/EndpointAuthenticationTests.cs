using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Configuration;

/// <summary>The gateway's endpoints serve signed-in users: a host that registers no authentication learns it at start, not from a 500 per request.</summary>
public sealed class EndpointAuthenticationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MappingTheGatewayAndTheInbox_WithoutAuthentication_FailsWithTheFix()
    {
        using var files = new TempDirectory();
        await using var app = Build(anonymous: false, files);

        var hub = Assert.Throws<InvalidOperationException>(() => app.MapNotificationGateway());
        var inbox = Assert.Throws<InvalidOperationException>(() => app.MapNotificationInbox());

        Assert.StartsWith("MapNotificationGateway serves signed-in users only", hub.Message, StringComparison.Ordinal);
        Assert.StartsWith("MapNotificationInbox serves signed-in users only", inbox.Message, StringComparison.Ordinal);
        Assert.All(new[] { hub.Message, inbox.Message }, m => Assert.Contains("AddAuthentication", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAnonymousConnectionsAllowed_NoAuthenticationIsNeeded_AndTheEndpointsAnswer()
    {
        using var files = new TempDirectory();
        await using var app = Build(anonymous: true, files);
        app.MapNotificationGateway();
        app.MapNotificationInbox();
        await app.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var negotiate = await http.PostAsync("/notifications/negotiate?negotiateVersion=1", null, Ct);
        using var count = await http.GetAsync("/inbox/unread-count", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, count.StatusCode); // an anonymous connection has no inbox
        await app.StopAsync(Ct);
    }

    private static WebApplication Build(bool anonymous, TempDirectory files)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddWebSocketNotifications(o => o.Mode = WebSocketMode.Internal)
            .AddSignalRGateway(o =>
            {
                o.AllowAnonymous = anonymous;
                o.AnonymousTenantId = anonymous ? "public" : null;
            })
            .AddNotificationInbox(o => o.DatabasePath = files.File("inbox.db"))
            .AddSqlite();
        return builder.Build();
    }
}
