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

    /// <summary>
    /// The message's webhook payload (<see cref="WebhookPayload"/>), written once: the spool stores these bytes, and the
    /// callback strategy and any added strategy may send them, so a message is serialized once however many take it.
    /// </summary>
    internal byte[] Payload => _payload ??= WebhookPayload.Write(this);

    /// <summary>Set when the message was read back from the spool, whose bytes are its payload.</summary>
    internal byte[]? CachedPayload
    {
        init => _payload = value;
    }

    private byte[]? _payload;

    /// <summary>A copy made with <c>with</c> may differ, so it does not take the cached payload along.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    private IncomingMessage(IncomingMessage original)
    {
        Id = original.Id;
        Event = original.Event;
        Data = original.Data;
        Timestamp = original.Timestamp;
        TenantId = original.TenantId;
        Source = original.Source;
        Metadata = original.Metadata;
    }

    /// <summary>Creates a message; set every required property.</summary>
    public IncomingMessage()
    {
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}
