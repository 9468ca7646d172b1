using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.WebSample;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>The web sample itself (its Program's app, its wwwroot, Development settings) on a free loopback port.</summary>
internal sealed class WebSampleServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebSampleServer(WebApplication app) => _app = app;

    public Uri BaseAddress => new(_app.Urls.First());

    public static async Task<WebSampleServer> StartAsync()
    {
        var app = WebSampleApp.Build(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = SampleDirectory(),
            Args = ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"],
        });
        await app.StartAsync();
        return new WebSampleServer(app);
    }

    public async Task<IWebSocketProvider> ProviderAsync(string tenantId) =>
        await _app.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(tenantId);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string SampleDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Notify.WebSocket.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "Notify.WebSocket.WebSample");
            }
        }

        throw new InvalidOperationException("The repository root (Notify.WebSocket.sln) was not found above " + AppContext.BaseDirectory);
    }
}
