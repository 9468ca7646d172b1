using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>One <c>ConfigureNotificationHub</c> call: hub options for whichever hub type the gateway registered.</summary>
internal sealed record HubOptionsConfiguration(Action<HubOptions> Configure);

/// <summary>Applies every <see cref="HubOptionsConfiguration"/> to the registered hub's options.</summary>
internal sealed class GatewayHubOptionsSetup<THub>(IEnumerable<HubOptionsConfiguration> configurations) : IConfigureOptions<HubOptions<THub>>
    where THub : Hub
{
    public void Configure(HubOptions<THub> options)
    {
        foreach (var configuration in configurations)
        {
            configuration.Configure(options);
        }
    }
}
