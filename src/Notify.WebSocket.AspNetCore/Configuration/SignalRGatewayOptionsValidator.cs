using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>Checks the gateway options at start and lists every problem at once.</summary>
internal sealed class SignalRGatewayOptionsValidator : IValidateOptions<SignalRGatewayOptions>
{
    private const string Prefix = "SignalR gateway: ";

    public ValidateOptionsResult Validate(string? name, SignalRGatewayOptions options)
    {
        var errors = new List<string>();
        if (options.UserIdClaimTypes.Count == 0 || options.UserIdClaimTypes.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(Prefix + "userIdClaimTypes must list at least one claim type and no empty ones.");
        }

        if (string.IsNullOrWhiteSpace(options.TenantIdClaimType))
        {
            errors.Add(Prefix + "tenantIdClaimType is required.");
        }

        if (options.AllowAnonymous && string.IsNullOrWhiteSpace(options.AnonymousTenantId))
        {
            errors.Add(Prefix + "anonymousTenantId is required when allowAnonymous is true (anonymous connections need a tenant).");
        }

        if (options.AllowedChannelPatterns.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(Prefix + "allowedChannelPatterns must not contain empty patterns.");
        }

        foreach (var pattern in options.AllowedChannelPatterns.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            // Outside its wildcards a pattern is matched character by character against accepted names: a character no
            // name may hold means a pattern that never matches, which would silently refuse every join it was meant for.
            var problem = Gateway.ChannelNames.Check(pattern.Replace("*", "x", StringComparison.Ordinal), int.MaxValue, out _);
            if (problem is Gateway.ChannelNameProblem.ForbiddenCharacter or Gateway.ChannelNameProblem.Malformed)
            {
                errors.Add(Prefix + $"allowedChannelPatterns entry \"{pattern}\" can never match a channel name: channel names hold no control, format, separator (such as the space) or other invisible character. Remove that character from the pattern.");
            }
        }

        AddIfBelowOne(errors, options.MaxChannelNameLength, "maxChannelNameLength");
        AddIfBelowOne(errors, options.MaxChannelsPerConnection, "maxChannelsPerConnection");
        AddIfBelowOne(errors, options.ConnectionPermitLimit, "connectionPermitLimit");
        AddIfBelowOne(errors, options.ChannelRequestPermitLimit, "channelRequestPermitLimit");
        AddIfBelowOne(errors, options.TenantSendPermitLimit, "tenantSendPermitLimit");
        AddIfBelowOne(errors, options.InboxRequestPermitLimit, "inboxRequestPermitLimit");
        AddIfNotPositive(errors, options.ConnectionWindow, "connectionWindow");
        AddIfNotPositive(errors, options.ChannelRequestWindow, "channelRequestWindow");
        AddIfNotPositive(errors, options.TenantSendWindow, "tenantSendWindow");
        AddIfNotPositive(errors, options.InboxRequestWindow, "inboxRequestWindow");
        if (options.LogThrottleInterval < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}logThrottleInterval must not be negative (zero logs every occurrence); it is {options.LogThrottleInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddIfBelowOne(List<string> errors, int? value, string key)
    {
        if (value is < 1)
        {
            errors.Add($"{Prefix}{key} must be at least 1 (leave it unset for no limit); it is {value}.");
        }
    }

    private static void AddIfNotPositive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{key} must be positive; it is {value}.");
        }
    }
}
