using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>Checks the Socket.IO endpoint's options at start and lists every problem at once.</summary>
internal sealed class SocketIoGatewayOptionsValidator : IValidateOptions<SocketIoGatewayOptions>
{
    private const string Prefix = "Socket.IO gateway: ";

    public ValidateOptionsResult Validate(string? name, SocketIoGatewayOptions options)
    {
        var errors = new List<string>();
        AddIfNotPositive(errors, options.PingInterval, "pingInterval");
        AddIfNotPositive(errors, options.PingTimeout, "pingTimeout");
        AddIfNotPositive(errors, options.ConnectTimeout, "connectTimeout");
        AddIfNotPositive(errors, options.UpgradeTimeout, "upgradeTimeout");
        if (options.MaxHttpBufferSize < 1)
        {
            errors.Add($"{Prefix}maxHttpBufferSize must be at least 1 byte; it is {options.MaxHttpBufferSize}.");
        }

        if (options.MaxBufferedPackets < 1)
        {
            errors.Add($"{Prefix}maxBufferedPackets must be at least 1; it is {options.MaxBufferedPackets}.");
        }

        if (options.Transports.Count == 0 || options.Transports.Any(t => t is not ("polling" or "websocket")))
        {
            errors.Add(Prefix + "transports must list \"polling\" and/or \"websocket\" and nothing else.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddIfNotPositive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{key} must be positive; it is {value}.");
        }
    }
}
