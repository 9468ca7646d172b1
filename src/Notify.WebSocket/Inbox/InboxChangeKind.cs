using System.Text.Json.Serialization;

namespace Notify.WebSocket;

/// <summary>What an <see cref="InboxChange"/> did. On the wire (<c>inbox:updated</c>), the camel-case name: <c>read</c>, <c>readAll</c> ….</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InboxChangeKind>))]
public enum InboxChangeKind
{
    /// <summary>Notifications marked read by id.</summary>
    [JsonStringEnumMemberName("read")]
    Read,

    /// <summary>Notifications marked unread by id.</summary>
    [JsonStringEnumMemberName("unread")]
    Unread,

    /// <summary>Notifications archived by id.</summary>
    [JsonStringEnumMemberName("archived")]
    Archived,

    /// <summary>Notifications taken out of the archive by id.</summary>
    [JsonStringEnumMemberName("unarchived")]
    Unarchived,

    /// <summary>Everything up to a position of one stream marked read.</summary>
    [JsonStringEnumMemberName("readThrough")]
    ReadThrough,

    /// <summary>Everything in the inbox marked read.</summary>
    [JsonStringEnumMemberName("readAll")]
    ReadAll,

    /// <summary>
    /// The read state may have changed in ways this connection was not told about (changes made on another instance while
    /// the instances could not reach each other through Redis): read the inbox again. Carries only the current unread count.
    /// </summary>
    [JsonStringEnumMemberName("refresh")]
    Refresh,
}
