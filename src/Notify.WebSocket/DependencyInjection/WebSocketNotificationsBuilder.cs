namespace Microsoft.Extensions.DependencyInjection;

internal sealed class WebSocketNotificationsBuilder(IServiceCollection services, string providerName) : IWebSocketNotificationsBuilder
{
    public IServiceCollection Services { get; } = services;

    public string ProviderName { get; } = providerName;
}
