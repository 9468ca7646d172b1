using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.LoadHarness;

/// <summary>A connected provider built from a <c>Notifications:WebSocket</c> section, as a host would build it.</summary>
internal static class HarnessProvider
{
    public static async Task<(ServiceProvider Services, IWebSocketProvider Provider)> CreateAsync(string sectionJson, CancellationToken cancellationToken)
    {
        var json = $$"""{ "Notifications": { "WebSocket": {{sectionJson}} } }""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var collection = new ServiceCollection();
        collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket")).AddSocketIo();
        var services = collection.BuildServiceProvider();
        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync("load", cancellationToken).ConfigureAwait(false);
        var validation = await provider.ValidateAsync(cancellationToken).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(validation.Error!.Message);
        }

        return (services, provider);
    }
}
