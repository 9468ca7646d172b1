using System.Collections.Concurrent;
using Notify.WebSocket.Inbox;

namespace Notify.WebSocket;

/// <summary>
/// A notification gateway inside the process: for hosts without ASP.NET Core, for workers that fan notifications out
/// to their own consumers, and for tests. Connections register with a tenant and a user, join and leave channels,
/// and read notifications from <see cref="InProcessConnection.Notifications"/>. Tenants are isolated: groups are
/// keyed by tenant. Thread-safe; deliveries iterate an immutable snapshot of each group, so sends never take a lock.
/// With the notification inbox on (<c>AddNotificationInbox</c>), sends are stored before they are delivered, and a
/// connection made with positions first receives what it missed, in order, before anything live.
/// </summary>
public sealed class InProcessNotificationGateway : INotificationGateway
{
    private readonly ConcurrentDictionary<GroupKey, Group> _groups = new();
    private readonly InProcessGatewayOptions _options;
    private readonly Func<string, IReadOnlyList<string>>? _defaultChannels;
    private readonly InProcessInbox? _inbox;
    private int _connectionCount;

    /// <summary>Creates a gateway with default options.</summary>
    public InProcessNotificationGateway()
        : this(new InProcessGatewayOptions())
    {
    }

    /// <summary>Creates a gateway.</summary>
    /// <param name="options">The gateway options.</param>
    public InProcessNotificationGateway(InProcessGatewayOptions options)
        : this(options, defaultChannels: null)
    {
    }

    /// <summary>Creates a gateway that joins each new connection to its tenant's <c>defaultChannels</c>, and stores through the inbox when it is on.</summary>
    internal InProcessNotificationGateway(InProcessGatewayOptions options, Func<string, IReadOnlyList<string>>? defaultChannels, InProcessInbox? inbox = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConnectionBufferCapacity, 1, nameof(options));
        _options = options;
        _defaultChannels = defaultChannels;
        _inbox = inbox;
    }

    /// <summary>How many connections are open.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Opens a connection for a user of a tenant and joins the tenant's <c>defaultChannels</c>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <returns>The connection; dispose it to disconnect.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> or <paramref name="userId"/> is empty.</exception>
    public InProcessConnection Connect(string tenantId, string userId) => Connect(tenantId, userId, positions: null);

    /// <summary>
    /// Opens a connection for a user of a tenant with the last position it has seen of each stream it follows (its
    /// user stream, channels by their stream ids): with the inbox on, it first receives what it missed of those streams,
    /// in order, then live notifications. Streams without a position are followed live only. A position beyond a
    /// stream's head replays from the oldest retained notification and says so (<see cref="StreamReplay.Reset"/>).
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="positions">By stream id (<see cref="NotificationStreamId.ToString"/>): the last position seen; null for none.</param>
    /// <returns>The connection; dispose it to disconnect.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user, or a position of a stream of another tenant or user, or not a stream id.</exception>
    /// <exception cref="InvalidOperationException">Positions were given but the inbox is off.</exception>
    public InProcessConnection Connect(string tenantId, string userId, IReadOnlyDictionary<string, long>? positions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var streams = StreamPositions(tenantId, userId, positions);
        var connection = new InProcessConnection(this, tenantId, userId, _options.ConnectionBufferCapacity, _inbox, streams);
        connection.Follow(NotificationStreamId.ForUser(tenantId, userId));
        Add(new GroupKey(tenantId, GroupKind.User, userId), connection);
        Interlocked.Increment(ref _connectionCount);
        foreach (var channel in _defaultChannels?.Invoke(tenantId) ?? [])
        {
            connection.JoinChannel(channel);
        }

        return connection;
    }

    /// <summary>How many connections a user has open in a tenant (presence).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <returns>The number of open connections.</returns>
    public int GetConnectionCount(string tenantId, string userId) =>
        _groups.TryGetValue(new GroupKey(tenantId, GroupKind.User, userId), out var group) ? group.Members.Length : 0;

    /// <inheritdoc />
    public ValueTask<int> SendToUserAsync(string tenantId, string userId, NotificationPayload payload, CancellationToken cancellationToken = default) =>
        _inbox is null
            ? new(Deliver(new GroupKey(tenantId, GroupKind.User, userId), payload, cancellationToken))
            : _inbox.SendAsync(NotificationStreamId.ForUser(tenantId, userId), payload, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default) =>
        _inbox is null
            ? new(Deliver(new GroupKey(tenantId, GroupKind.Channel, channel), payload, cancellationToken))
            : _inbox.SendAsync(NotificationStreamId.ForChannel(tenantId, channel), payload, cancellationToken);

    internal static InvalidOperationException NoInbox() =>
        new("Replay needs the notification inbox: call .AddNotificationInbox() (and .AddSqlite(), or another store) on the builder AddWebSocketNotifications returns.");

    internal void AddToChannel(InProcessConnection connection, string channel) =>
        Add(new GroupKey(connection.TenantId, GroupKind.Channel, channel), connection);

    internal void RemoveFromChannel(InProcessConnection connection, string channel) =>
        Remove(new GroupKey(connection.TenantId, GroupKind.Channel, channel), connection);

    internal void Disconnect(InProcessConnection connection, string[] channels)
    {
        Remove(new GroupKey(connection.TenantId, GroupKind.User, connection.UserId), connection);
        foreach (var channel in channels)
        {
            RemoveFromChannel(connection, channel);
        }

        Interlocked.Decrement(ref _connectionCount);
    }

    /// <summary>Checks the positions a client gave: each must name a stream of its own tenant, and of its own user when it is a user's stream.</summary>
    private Dictionary<NotificationStreamId, long> StreamPositions(string tenantId, string userId, IReadOnlyDictionary<string, long>? positions)
    {
        var streams = new Dictionary<NotificationStreamId, long>();
        if (positions is null || positions.Count == 0)
        {
            return streams;
        }

        if (_inbox is null)
        {
            throw NoInbox();
        }

        foreach (var (id, position) in positions)
        {
            if (!NotificationStreamId.TryParse(id, out var stream))
            {
                throw new ArgumentException($"\"{id}\" is not a stream id (t:{{tenant}}:user:{{id}} or t:{{tenant}}:channel:{{name}}).", nameof(positions));
            }

            if (stream.TenantId != tenantId || (stream.Kind == NotificationStreamKind.User && stream.Name != userId))
            {
                throw new ArgumentException($"The position of {id} is refused: the stream is not one of user {userId} of tenant {tenantId}.", nameof(positions));
            }

            streams[stream] = position;
        }

        return streams;
    }

    private int Deliver(GroupKey key, NotificationPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_groups.TryGetValue(key, out var group))
        {
            return 0;
        }

        var delivered = 0;
        foreach (var member in group.Members)
        {
            if (member.Deliver(payload))
            {
                delivered++;
            }
        }

        return delivered;
    }

    private void Add(GroupKey key, InProcessConnection connection)
    {
        while (true)
        {
            var group = _groups.GetOrAdd(key, static _ => new Group());
            lock (group)
            {
                // A group emptied and removed concurrently must not take new members: retry with a fresh one.
                if (!group.Removed)
                {
                    group.Members = [.. group.Members, connection];
                    return;
                }
            }
        }
    }

    private void Remove(GroupKey key, InProcessConnection connection)
    {
        if (!_groups.TryGetValue(key, out var group))
        {
            return;
        }

        lock (group)
        {
            // One exact-size copy: Array.FindAll grows a list first, three times the garbage on a large channel.
            var members = group.Members;
            var index = Array.IndexOf(members, connection);
            if (index >= 0)
            {
                var remaining = new InProcessConnection[members.Length - 1];
                Array.Copy(members, remaining, index);
                Array.Copy(members, index + 1, remaining, index, remaining.Length - index);
                group.Members = remaining;
            }

            if (group.Members.Length == 0)
            {
                group.Removed = true;
                _groups.TryRemove(KeyValuePair.Create(key, group));
            }
        }
    }

    private enum GroupKind : byte
    {
        User,
        Channel,
    }

    private readonly record struct GroupKey(string TenantId, GroupKind Kind, string Name);

    private sealed class Group
    {
        public volatile InProcessConnection[] Members = [];
        public bool Removed;
    }
}
