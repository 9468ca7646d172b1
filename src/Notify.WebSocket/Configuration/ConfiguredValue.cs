namespace Notify.WebSocket;

/// <summary>A raw configuration value and the full key path it was written under (as the user spelled it).</summary>
internal readonly record struct ConfiguredValue(string Value, string Path);
