using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Tests.Configuration;

/// <summary>A section path that binds nothing (a typo) is reported at start, once, instead of running on defaults in silence.</summary>
public sealed class ConfigurationSectionCheckTests
{
    [Theory]
    [InlineData("Notification:WebSocket", true)]
    [InlineData("Notifications:WebSocket", false)]
    public async Task ASectionThatDoesNotExist_IsReportedAtStart_WithItsPath(string path, bool reported)
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:WebSocket:mode"] = "internal" });
        builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection(path));
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        var lines = logs.Lines.Where(l => l.Contains(" 2007: ", StringComparison.Ordinal)).ToList();
        if (reported)
        {
            var line = Assert.Single(lines);
            Assert.Contains("The configuration section Notification:WebSocket given for provider websocket does not exist", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(lines);
        }
    }
}
