using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket;

/// <summary>
/// At start, warns about every configuration section given to <c>AddWebSocketNotifications(section)</c> that does not
/// exist: a misspelled path (<c>Notification:WebSocket</c>) binds nothing, and the provider would otherwise run on its
/// defaults (internal mode) without a word. Not an error: a host may mean the defaults and add the section later.
/// </summary>
internal sealed class ConfigurationSectionCheck(IEnumerable<ConfigurationSectionCheck.Given> sections, ILogger<ConfigurationSectionCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var given in sections)
        {
            if (!given.Section.Exists())
            {
                Log.ConfigurationSectionMissing(logger, given.Section.Path, given.ProviderName);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A section a provider configuration was registered with.</summary>
    internal sealed record Given(string ProviderName, IConfigurationSection Section);
}
