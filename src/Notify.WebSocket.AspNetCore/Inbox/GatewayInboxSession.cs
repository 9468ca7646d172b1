using System.Collections.Concurrent;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>A connection's inbox state: its outbox, the streams it follows, and the positions it connected with.</summary>
internal sealed class GatewayInboxSession(GatewayOutbox outbox, IReadOnlyDictionary<NotificationStreamId, long> positions)
{
    public GatewayOutbox Outbox { get; } = outbox;

    /// <summary>The positions given at connect, by stream: a channel joined later replays from its position here.</summary>
    public IReadOnlyDictionary<NotificationStreamId, long> Positions { get; } = positions;

    public ConcurrentDictionary<NotificationStreamId, StreamFollower> Followers { get; } = new();

    /// <summary>
    /// Channels joined again at connect whose followers hold what arrives until the client says where to replay from
    /// (its own <c>channel:join</c> with a position) or the grace ends: the value is the stream's head when it connected.
    /// </summary>
    public ConcurrentDictionary<NotificationStreamId, long> Rejoined { get; } = new();
}
