using System.Collections.Concurrent;
using System.Threading.Channels;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Inbox.Delivery;

namespace Notify.WebSocket;

/// <summary>
/// A connection to the <see cref="InProcessNotificationGateway"/>: one device of one user in one tenant.
/// Read what it receives from <see cref="Notifications"/>; dispose it to disconnect. With the notification inbox on,
/// nothing is dropped: a reader that falls behind gets the rest from the store, in order, and a connection made with
/// positions first receives what it missed (<see cref="Replays"/> says when each stream is caught up).
/// </summary>
public sealed class InProcessConnection : IAsyncDisposable, IFollowerOutput
{
    private readonly InProcessNotificationGateway _gateway;
    private readonly InProcessInbox? _inbox;
    private static readonly ChannelReader<StreamReplay> NoReplays = CompletedReader<StreamReplay>();
    private static readonly ChannelReader<InboxChange> NoChanges = CompletedReader<InboxChange>();

    private readonly Channel<NotificationPayload> _buffer;
    private readonly ConcurrentDictionary<string, byte> _channels = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<NotificationStreamId, long> _positions;

    // With the inbox only: a gateway may hold connections by the ten thousand, and these would more than double the
    // memory of each one that has no inbox to follow.
    private readonly InboxSide? _side;
    private int _disposed;

    internal InProcessConnection(InProcessNotificationGateway gateway, string tenantId, string userId, int capacity, InProcessInbox? inbox, IReadOnlyDictionary<NotificationStreamId, long> positions)
    {
        _gateway = gateway;
        _inbox = inbox;
        _side = inbox is null ? null : new InboxSide();
        _positions = positions;
        TenantId = tenantId;
        UserId = userId;

        // Without the inbox a full buffer drops its oldest (counted); with it, a full buffer makes the stream read the store instead.
        _buffer = inbox is null
            ? Channel.CreateBounded<NotificationPayload>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                static _ => Diagnostics.NotifyWebSocketTelemetry.GatewayDropped.Add(1))
            : Channel.CreateBounded<NotificationPayload>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>A unique id of this connection.</summary>
    public string ConnectionId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The tenant the connection belongs to.</summary>
    public string TenantId { get; }

    /// <summary>The connected user.</summary>
    public string UserId { get; }

    /// <summary>The channels this connection has joined.</summary>
    public IReadOnlyCollection<string> Channels => [.. _channels.Keys];

    /// <summary>
    /// The notifications delivered to this connection, in order per stream (with the inbox, each carries its
    /// <see cref="NotificationPayload.Stream"/> and <see cref="NotificationPayload.Position"/>). Completes when the
    /// connection is disposed.
    /// </summary>
    public ChannelReader<NotificationPayload> Notifications => _buffer.Reader;

    /// <summary>
    /// With the inbox: one entry per stream replayed (streams given a position), written once every missed notification
    /// of the stream is in <see cref="Notifications"/> and before any live one of it. Without it: empty and completed.
    /// </summary>
    public ChannelReader<StreamReplay> Replays => _side?.Replays.Reader ?? NoReplays;

    /// <summary>
    /// With the inbox: changes of the user's read and archived state, made on any device, with the unread count after
    /// each. Without it: empty and completed.
    /// </summary>
    public ChannelReader<InboxChange> InboxChanges => _side?.Changes.Reader ?? NoChanges;

    CancellationToken IFollowerOutput.Closed => Closed;

    /// <summary>Cancelled when the connection is disposed (only followers, that is with the inbox, wait on it).</summary>
    internal CancellationToken Closed => _side?.ClosedToken ?? CancellationToken.None;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Joins a channel of this connection's tenant (with the inbox, from the position given for its stream at connect, if any).</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>False when already a member.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The connection was disposed.</exception>
    public bool JoinChannel(string channel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return Join(channel, _positions.TryGetValue(NotificationStreamId.ForChannel(TenantId, channel), out var position) ? position : null);
    }

    /// <summary>
    /// Joins a channel and, with the inbox, first receives the channel's notifications after <paramref name="position"/>
    /// (never from before the user was first let into the channel).
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="position">The last position of the channel's stream this client has seen (0 for none).</param>
    /// <returns>False when already a member.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The gateway has no inbox (<c>AddNotificationInbox</c>).</exception>
    /// <exception cref="ObjectDisposedException">The connection was disposed.</exception>
    public bool JoinChannel(string channel, long position)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        if (_inbox is null)
        {
            throw InProcessNotificationGateway.NoInbox();
        }

        return Join(channel, position);
    }

    /// <summary>
    /// Leaves a channel. With the inbox, the user's membership ends (the channel leaves their inbox) even when this
    /// connection had not joined it: the membership is the user's, whichever of their connections joined.
    /// </summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>False when this connection was not in the channel.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    public bool LeaveChannel(string channel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        var joined = _channels.TryRemove(channel, out _);
        if (joined)
        {
            _gateway.RemoveFromChannel(this, channel);
        }

        if (_inbox is not null)
        {
            var stream = NotificationStreamId.ForChannel(TenantId, channel);
            if (_side!.Followers.TryRemove(stream, out var follower))
            {
                _inbox.Unfollow(follower);
            }

            _inbox.Leave(stream, UserId);
        }

        return joined;
    }

    /// <summary>Disconnects: leaves every channel and completes <see cref="Notifications"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (_side is { } side)
            {
                foreach (var follower in side.Followers.Values)
                {
                    _inbox!.Unfollow(follower);
                }

                side.Followers.Clear();
                side.Dispose();
            }

            _gateway.Disconnect(this, [.. _channels.Keys]);
            _channels.Clear();
            _buffer.Writer.TryComplete();
        }

        return ValueTask.CompletedTask;
    }

    bool IFollowerOutput.TryWrite(NotificationPayload notification) => _buffer.Writer.TryWrite(notification);

    ValueTask IFollowerOutput.WriteAsync(NotificationPayload notification, CancellationToken cancellationToken) => _buffer.Writer.WriteAsync(notification, cancellationToken);

    bool IFollowerOutput.TryWriteReplayed(StreamReplay replay) => _side?.Replays.Writer.TryWrite(replay) == true;

    async ValueTask IFollowerOutput.WaitForRoomAsync(CancellationToken cancellationToken) =>
        await _buffer.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false);

    internal bool Deliver(NotificationPayload payload) => _buffer.Writer.TryWrite(payload);

    internal void PostInboxChange(InboxChange change) => _side?.Changes.Writer.TryWrite(change);

    /// <summary>With the inbox, starts following a stream (its own user stream at connect).</summary>
    internal void Follow(NotificationStreamId stream)
    {
        if (_inbox is not null)
        {
            _side!.Followers[stream] = _inbox.Follow(this, stream, _positions.TryGetValue(stream, out var position) ? position : null);
        }
    }

    private bool Join(string channel, long? position)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!_channels.TryAdd(channel, 0))
        {
            return false;
        }

        var stream = NotificationStreamId.ForChannel(TenantId, channel);
        if (_inbox is not null)
        {
            _side!.Followers[stream] = _inbox.Follow(this, stream, position);
        }

        _gateway.AddToChannel(this, channel);
        return true;
    }

    private static ChannelReader<T> CompletedReader<T>()
    {
        var channel = Channel.CreateUnbounded<T>();
        channel.Writer.Complete();
        return channel.Reader;
    }

    /// <summary>What a connection needs to follow streams of the inbox.</summary>
    private sealed class InboxSide : IDisposable
    {
        private readonly CancellationTokenSource _closed = new();

        public InboxSide() => ClosedToken = _closed.Token;

        public Channel<StreamReplay> Replays { get; } = Channel.CreateUnbounded<StreamReplay>(new UnboundedChannelOptions { SingleReader = true });

        public Channel<InboxChange> Changes { get; } = Channel.CreateBounded<InboxChange>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public ConcurrentDictionary<NotificationStreamId, StreamFollower> Followers { get; } = new();

        /// <summary>Taken at creation: a follower still finishing after the close reads it without touching the disposed source.</summary>
        public CancellationToken ClosedToken { get; }

        /// <summary>Closes: cancels <see cref="ClosedToken"/> and completes both readers.</summary>
        public void Dispose()
        {
            _closed.Cancel();
            Replays.Writer.TryComplete();
            Changes.Writer.TryComplete();
            _closed.Dispose();
        }
    }
}
