using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket.Handling.Strategies;

/// <summary>Where strategies' own sections live: <c>messageHandling:strategies:{name}</c> of a provider's section.</summary>
internal static class HandlingStrategyKeys
{
    public const string MessageHandling = "messageHandling";

    public const string Strategies = "messageHandling:strategies";

    public static string SectionPath(string providerKeyPath, string name) => ConfigurationPath.Combine(providerKeyPath, Strategies, name);

    /// <summary>A problem as a sentence that starts with a full key path: the path is put in front unless it already is.</summary>
    public static string UnderPath(string path, string problem) =>
        problem.StartsWith(path, StringComparison.OrdinalIgnoreCase) ? problem : path + ": " + problem;
}
