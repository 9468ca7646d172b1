using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket.Handling.Strategies;

/// <summary>Where strategies' own sections live: <c>messageHandling:strategies:{name}</c> of a provider's section.</summary>
internal static class HandlingStrategyKeys
{
    public const string MessageHandling = "messageHandling";

    public const string Strategies = "messageHandling:strategies";

    /// <summary>The fix for a strategy that is not added, as the end of a sentence.</summary>
    public const string HowToAdd = "add it on the builder AddWebSocketNotifications returns (AddHandlingStrategy, or the Add… method of the package that provides it)";

    public static string SectionPath(string providerKeyPath, string name) => ConfigurationPath.Combine(providerKeyPath, Strategies, name);

    /// <summary>A problem as a sentence that starts with a full key path: the path is put in front unless it already is.</summary>
    public static string UnderPath(string path, string problem) =>
        problem.StartsWith(path, StringComparison.OrdinalIgnoreCase) ? problem : path + ": " + problem;
}
