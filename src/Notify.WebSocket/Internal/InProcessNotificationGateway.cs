using System.Collections.Concurrent;

namespace Notify.WebSocket;

/// <summary>
/// A notification gateway inside the process: for hosts without ASP.NET Core, for workers that fan notifications out
/// to their own consumers, and for tests. Connections register with a tenant and a user, join and leave channels,
/// and read notifications from <see cref="InProcessConnection.Notifications"/>. Tenants are isolated: groups are
/// keyed by tenant. Thread-safe; deliveries iterate an immutable snapshot of each group, so sends never take a lock.
/// </summary>
public sealed class InProcessNotificationGateway : INotificationGateway
{
    private readonly ConcurrentDictionary<GroupKey, Group> _groups = new();
    private readonly InProcessGatewayOptions _options;
    private readonly Func<string, IReadOnlyList<string>>? _defaultChannels;
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

    /// <summary>Creates a gateway that joins each new connection to its tenant's <c>defaultChannels</c>.</summary>
    internal InProcessNotificationGateway(InProcessGatewayOptions options, Func<string, IReadOnlyList<string>>? defaultChannels)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConnectionBufferCapacity, 1, nameof(options));
        _options = options;
        _defaultChannels = defaultChannels;
    }

    /// <summary>How many connections are open.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Opens a connection for a user of a tenant and joins the tenant's <c>defaultChannels</c>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <returns>The connection; dispose it to disconnect.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> or <paramref name="userId"/> is empty.</exception>
    public InProcessConnection Connect(string tenantId, string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var connection = new InProcessConnection(this, tenantId, userId, _options.ConnectionBufferCapacity);
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
        new(Deliver(new GroupKey(tenantId, GroupKind.User, userId), payload, cancellationToken));

    /// <inheritdoc />
    public ValueTask<int> SendToChannelAsync(string tenantId, string channel, NotificationPayload payload, CancellationToken cancellationToken = default) =>
        new(Deliver(new GroupKey(tenantId, GroupKind.Channel, channel), payload, cancellationToken));

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
