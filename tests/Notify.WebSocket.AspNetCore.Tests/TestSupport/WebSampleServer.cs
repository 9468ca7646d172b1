using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.WebSample;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// The web sample itself (its Program's app, its wwwroot, Development settings) on a free loopback port, with its inbox
/// in a fresh SQLite file.
/// </summary>
internal sealed class WebSampleServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _directory;

    private WebSampleServer(WebApplication app, TempDirectory directory)
    {
        _app = app;
        _directory = directory;
    }

    public Uri BaseAddress => new(_app.Urls.First());

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the sample on a free port.</summary>
    /// <param name="databasePath">The inbox's SQLite file (for instances that share one); a file of its own when null.</param>
    /// <param name="redis">The Redis configuration of its scale-out (<c>Notifications:Redis</c>); none when null.</param>
    /// <param name="port">A fixed port (to start it again where its pages are); a free one when 0.</param>
    public static async Task<WebSampleServer> StartAsync(string? databasePath = null, string? redis = null, int port = 0)
    {
        var directory = new TempDirectory();
        string[] args = ["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning", "--Notifications:Inbox:DatabasePath", databasePath ?? directory.File("inbox.db")];
        var app = WebSampleApp.Build(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = SampleDirectory(),
            Args = redis is null ? args : [.. args, "--Notifications:Redis", redis],
        });
        await app.StartAsync();
        return new WebSampleServer(app, directory);
    }

    public async Task<IWebSocketProvider> ProviderAsync(string tenantId) =>
        await _app.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(tenantId);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory.Dispose();
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
