using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Notify.WebSocket;

/// <summary>
/// A connection to the <see cref="InProcessNotificationGateway"/>: one device of one user in one tenant.
/// Read what it receives from <see cref="Notifications"/>; dispose it to disconnect.
/// </summary>
public sealed class InProcessConnection : IAsyncDisposable
{
    private readonly InProcessNotificationGateway _gateway;
    private readonly Channel<NotificationPayload> _buffer;
    private readonly ConcurrentDictionary<string, byte> _channels = new(StringComparer.Ordinal);
    private int _disposed;

    internal InProcessConnection(InProcessNotificationGateway gateway, string tenantId, string userId, int capacity)
    {
        _gateway = gateway;
        TenantId = tenantId;
        UserId = userId;
        _buffer = Channel.CreateBounded<NotificationPayload>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            static _ => Diagnostics.NotifyWebSocketTelemetry.GatewayDropped.Add(1));
    }

    /// <summary>A unique id of this connection.</summary>
    public string ConnectionId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The tenant the connection belongs to.</summary>
    public string TenantId { get; }

    /// <summary>The connected user.</summary>
    public string UserId { get; }

    /// <summary>The channels this connection has joined.</summary>
    public IReadOnlyCollection<string> Channels => [.. _channels.Keys];

    /// <summary>The notifications delivered to this connection, in order. Completes when the connection is disposed.</summary>
    public ChannelReader<NotificationPayload> Notifications => _buffer.Reader;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Joins a channel of this connection's tenant.</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>False when already a member.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The connection was disposed.</exception>
    public bool JoinChannel(string channel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!_channels.TryAdd(channel, 0))
        {
            return false;
        }

        _gateway.AddToChannel(this, channel);
        return true;
    }

    /// <summary>Leaves a channel.</summary>
    /// <param name="channel">The channel name.</param>
    /// <returns>False when not a member.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    public bool LeaveChannel(string channel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        if (!_channels.TryRemove(channel, out _))
        {
            return false;
        }

        _gateway.RemoveFromChannel(this, channel);
        return true;
    }

    /// <summary>Disconnects: leaves every channel and completes <see cref="Notifications"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _gateway.Disconnect(this, [.. _channels.Keys]);
            _channels.Clear();
            _buffer.Writer.TryComplete();
        }

        return ValueTask.CompletedTask;
    }

    internal bool Deliver(NotificationPayload payload) => _buffer.Writer.TryWrite(payload);
}
