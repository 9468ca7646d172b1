namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>What an inbox request asks for: notifications by id, everything, or everything of a stream up to a position.</summary>
internal sealed record InboxRequest(IReadOnlyList<string>? Ids, bool All, NotificationStreamId? Stream, long? Position);
