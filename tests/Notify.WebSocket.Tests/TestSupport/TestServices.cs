using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>Builds containers from appsettings JSON, the way a host does.</summary>
internal static class TestServices
{
    public static IConfigurationRoot Configuration(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    /// <summary>A container whose <c>Notifications:WebSocket</c> section is <paramref name="sectionJson"/>.</summary>
    public static ServiceProvider FromSection(string sectionJson, Action<IWebSocketNotificationsBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var configuration = Configuration($$"""{ "Notifications": { "WebSocket": {{sectionJson}} } }""");
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging();
        var builder = collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket")).AddSqlite().AddSocketIo();
        configure?.Invoke(builder);
        services?.Invoke(collection);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
