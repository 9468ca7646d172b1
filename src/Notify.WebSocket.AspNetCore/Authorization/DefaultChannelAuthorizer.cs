using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Configuration;

namespace Notify.WebSocket.AspNetCore.Authorization;

/// <summary>Allows the tenant's <c>defaultChannels</c> and the configured patterns; denies everything else.</summary>
internal sealed class DefaultChannelAuthorizer(TenantChannelDefaults defaults, IOptionsMonitor<SignalRGatewayOptions> options) : IChannelAuthorizer
{
    public ValueTask<bool> CanJoinAsync(ChannelAuthorizationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = context.ChannelName;
        var allowed = defaults.For(context.TenantId).Contains(channel, StringComparer.Ordinal)
            || options.CurrentValue.AllowedChannelPatterns.Any(pattern => ChannelPattern.IsMatch(pattern, channel));
        return new ValueTask<bool>(allowed);
    }
}
