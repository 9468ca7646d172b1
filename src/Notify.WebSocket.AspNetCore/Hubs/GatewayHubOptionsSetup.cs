using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>One <c>ConfigureNotificationHub</c> call: hub options for whichever hub type the gateway registered.</summary>
internal sealed record HubOptionsConfiguration(Action<HubOptions> Configure);

/// <summary>
/// The registered hub's options: JSON as its only protocol, then every <see cref="HubOptionsConfiguration"/>. The
/// gateway's events are JSON objects (the spec's shape, with camel-case names); a host that adds SignalR's MessagePack
/// protocol for its other hubs keeps it there, and a MessagePack client of this hub is refused at the handshake rather
/// than disconnected at its first event.
/// </summary>
internal sealed class GatewayHubOptionsSetup<THub>(IEnumerable<HubOptionsConfiguration> configurations) : IConfigureOptions<HubOptions<THub>>, IValidateOptions<HubOptions<THub>>
    where THub : Hub
{
    public void Configure(HubOptions<THub> options)
    {
        if (options.SupportedProtocols is { } protocols)
        {
            options.SupportedProtocols = [.. protocols.Where(IsJson)];
        }

        foreach (var configuration in configurations)
        {
            configuration.Configure(options);
        }
    }

    public ValidateOptionsResult Validate(string? name, HubOptions<THub> options) =>
        options.SupportedProtocols?.FirstOrDefault(p => !IsJson(p)) is { } other
            ? ValidateOptionsResult.Fail($"ConfigureNotificationHub: the notification hub speaks JSON only, but its SupportedProtocols include \"{other}\"; leave SupportedProtocols as the gateway sets it ([\"json\"]). Other hubs may keep MessagePack.")
            : ValidateOptionsResult.Success;

    private static bool IsJson(string protocol) => string.Equals(protocol, "json", StringComparison.OrdinalIgnoreCase);
}
