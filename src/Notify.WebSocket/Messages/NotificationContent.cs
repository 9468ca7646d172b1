namespace Notify.WebSocket;

/// <summary>What a notification says.</summary>
public sealed record NotificationContent
{
    /// <summary>The title.</summary>
    public string? Subject { get; init; }

    /// <summary>The plain-text body.</summary>
    public string? Body { get; init; }

    /// <summary>An optional HTML body.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>
    /// Structured data sent along (any value System.Text.Json can serialize: an anonymous object, a dictionary,
    /// a <see cref="System.Text.Json.JsonElement"/>, a POCO).
    /// </summary>
    public object? Data { get; init; }
}
