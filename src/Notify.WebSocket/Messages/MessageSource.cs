using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>The <c>source</c> of an incoming message: <c>{ provider, url, protocol }</c>.</summary>
public sealed record MessageSource
{
    /// <summary>Always <c>websocket</c>.</summary>
    [JsonPropertyName("provider")]
    public string Provider { get; init; } = "websocket";

    /// <summary>The server url, without credentials or query string.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary><c>ws</c> or <c>socketio</c>.</summary>
    [JsonPropertyName("protocol")]
    public required string Protocol { get; init; }
}
