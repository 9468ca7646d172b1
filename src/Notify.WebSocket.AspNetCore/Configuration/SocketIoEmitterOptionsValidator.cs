using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>Checks the emitter's options at start and lists every problem at once.</summary>
internal sealed class SocketIoEmitterOptionsValidator : IValidateOptions<SocketIoEmitterOptions>
{
    private const string Prefix = "Socket.IO emitter: ";

    public ValidateOptionsResult Validate(string? name, SocketIoEmitterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add(Prefix + "configuration is required (the Redis of the Socket.IO cluster, for example 127.0.0.1:6379).");
        }

        if (string.IsNullOrWhiteSpace(options.Key))
        {
            errors.Add(Prefix + "key is required (the cluster adapter's key, socket.io by default).");
        }

        if (string.IsNullOrEmpty(options.Namespace) || options.Namespace[0] != '/')
        {
            errors.Add(Prefix + $"namespace must start with '/'; it is \"{options.Namespace}\".");
        }

        if (!options.UserRoom.Contains("{userId}", StringComparison.Ordinal))
        {
            errors.Add(Prefix + "userRoom must contain {userId} (for example t:{tenantId}:user:{userId}).");
        }

        if (!options.ChannelRoom.Contains("{channel}", StringComparison.Ordinal))
        {
            errors.Add(Prefix + "channelRoom must contain {channel} (for example t:{tenantId}:channel:{channel}).");
        }

        if (string.IsNullOrWhiteSpace(options.EventName))
        {
            errors.Add(Prefix + "eventName is required.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
