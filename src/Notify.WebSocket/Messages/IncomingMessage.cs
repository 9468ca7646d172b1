using System.Text.Json;

namespace Notify.WebSocket;

/// <summary>A message an external provider received from its server.</summary>
public sealed record IncomingMessage
{
    /// <summary>A unique id: the server's message id when it sent one, otherwise one generated on receipt. Sinks deduplicate by it.</summary>
    public required string Id { get; init; }

    /// <summary>The event name.</summary>
    public required string Event { get; init; }

    /// <summary>The event data.</summary>
    public JsonElement Data { get; init; }

    /// <summary>When it was received (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The tenant whose provider received it.</summary>
    public required string TenantId { get; init; }

    /// <summary>Where it came from.</summary>
    public required MessageSource Source { get; init; }

    /// <summary>Extra facts about the message (for example the server's own timestamp).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}
