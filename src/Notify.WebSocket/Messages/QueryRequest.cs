namespace Notify.WebSocket;

/// <summary>A request-response query: <c>{ event, data, timeout }</c>.</summary>
public sealed record QueryRequest
{
    /// <summary>Creates a query.</summary>
    /// <param name="event">The event name the server answers (for example <c>user:info</c>).</param>
    /// <param name="data">The request data.</param>
    public QueryRequest(string @event, object? data = null)
    {
        Event = @event;
        Data = data;
    }

    /// <summary>The event name.</summary>
    public string Event { get; init; }

    /// <summary>The request data (serialized with System.Text.Json).</summary>
    public object? Data { get; init; }

    /// <summary>How long to wait for the response; <see langword="null"/> uses <c>requestTimeout</c>.</summary>
    public TimeSpan? Timeout { get; init; }
}
