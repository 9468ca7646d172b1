namespace Notify.WebSocket;

/// <summary>
/// Field names of the native ws JSON envelope (<c>envelope</c>). The defaults match servers written for the original
/// system: <c>{ "event", "data", "timestamp" }</c>, plus <c>"id"</c> and <c>"requiresAck"</c> / <c>"requiresResponse"</c>;
/// the server answers <c>{ "ack": true, "id" }</c> or <c>{ "response": true, "id", "data" }</c>.
/// </summary>
public sealed class EnvelopeOptions
{
    /// <summary>The event name field. Default <c>event</c>.</summary>
    public string Event { get; set; } = "event";

    /// <summary>The data field. Default <c>data</c>.</summary>
    public string Data { get; set; } = "data";

    /// <summary>The ISO-8601 timestamp field. Default <c>timestamp</c>.</summary>
    public string Timestamp { get; set; } = "timestamp";

    /// <summary>The message id field. Default <c>id</c>.</summary>
    public string Id { get; set; } = "id";

    /// <summary>The flag asking the server to acknowledge. Default <c>requiresAck</c>.</summary>
    public string RequiresAck { get; set; } = "requiresAck";

    /// <summary>The flag marking the server's acknowledgment. Default <c>ack</c>.</summary>
    public string Ack { get; set; } = "ack";

    /// <summary>The flag asking the server to respond. Default <c>requiresResponse</c>.</summary>
    public string RequiresResponse { get; set; } = "requiresResponse";

    /// <summary>The flag marking the server's response. Default <c>response</c>.</summary>
    public string Response { get; set; } = "response";

    /// <summary>The field of a channel send's data that names the channel. Default <c>_room</c>.</summary>
    public string Room { get; set; } = "_room";

    /// <summary>The field of a join/leave event's data that names the channel. Default <c>room</c>.</summary>
    public string RoomParameter { get; set; } = "room";

    internal EnvelopeOptions Clone() => (EnvelopeOptions)MemberwiseClone();

    internal string Signature => string.Join('|', Event, Data, Timestamp, Id, RequiresAck, Ack, RequiresResponse, Response, Room, RoomParameter);

    internal IEnumerable<(string Key, string Value)> Fields() =>
    [
        ("event", Event), ("data", Data), ("timestamp", Timestamp), ("id", Id), ("requiresAck", RequiresAck),
        ("ack", Ack), ("requiresResponse", RequiresResponse), ("response", Response), ("room", Room), ("roomParameter", RoomParameter),
    ];
}
