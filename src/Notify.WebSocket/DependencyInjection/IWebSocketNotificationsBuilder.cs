namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddWebSocketNotifications</c>; optional parts hang off it (<c>.AddSocketIo()</c>, <c>.AddHandlingStrategy(…)</c>, and the packages' <c>.AddSqlite()</c>, <c>.AddSignalRGateway()</c>, …).</summary>
public interface IWebSocketNotificationsBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>The name of the provider configuration this builder registered (default <c>websocket</c>).</summary>
    string ProviderName { get; }
}
