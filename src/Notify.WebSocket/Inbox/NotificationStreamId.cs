namespace Notify.WebSocket;

/// <summary>
/// A stream of stored notifications: a user's or a channel's, in one tenant. Every notification stored in it has a
/// position, 1, 2, 3 … in the order it was stored, which clients keep to ask for what they missed. Its text form
/// (<see cref="ToString"/>) is the gateway's group name: <c>t:{tenant}:user:{id}</c> or <c>t:{tenant}:channel:{name}</c>,
/// the tenant segment escaping <c>%</c> and <c>:</c> so that no tenant id can spell another tenant's prefix.
/// </summary>
public readonly record struct NotificationStreamId
{
    private const string UserSegment = "user:";
    private const string ChannelSegment = "channel:";

    /// <summary>Creates a stream id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="kind">A user's or a channel's.</param>
    /// <param name="name">The user id or the channel name.</param>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> or <paramref name="name"/> is empty.</exception>
    public NotificationStreamId(string tenantId, NotificationStreamKind kind, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TenantId = tenantId;
        Kind = kind;
        Name = name;
    }

    /// <summary>The tenant.</summary>
    public string TenantId { get; }

    /// <summary>A user's or a channel's.</summary>
    public NotificationStreamKind Kind { get; }

    /// <summary>The user id or the channel name.</summary>
    public string Name { get; }

    /// <summary>A user's stream.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <returns>The stream.</returns>
    public static NotificationStreamId ForUser(string tenantId, string userId) => new(tenantId, NotificationStreamKind.User, userId);

    /// <summary>A channel's stream.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="channel">The channel.</param>
    /// <returns>The stream.</returns>
    public static NotificationStreamId ForChannel(string tenantId, string channel) => new(tenantId, NotificationStreamKind.Channel, channel);

    /// <summary>Reads the text form of a stream id, as clients send it back.</summary>
    /// <param name="value">For example <c>t:1:user:alice</c>.</param>
    /// <param name="stream">The stream, when the text is one.</param>
    /// <returns>Whether <paramref name="value"/> names a stream.</returns>
    public static bool TryParse(string? value, out NotificationStreamId stream)
    {
        stream = default;
        if (value is null || !value.StartsWith("t:", StringComparison.Ordinal))
        {
            return false;
        }

        var end = value.IndexOf(':', 2);
        if (end <= 2)
        {
            return false;
        }

        var tenant = Unescape(value.AsSpan(2, end - 2));
        var rest = value.AsSpan(end + 1);
        NotificationStreamKind kind;
        if (rest.StartsWith(UserSegment, StringComparison.Ordinal))
        {
            kind = NotificationStreamKind.User;
            rest = rest[UserSegment.Length..];
        }
        else if (rest.StartsWith(ChannelSegment, StringComparison.Ordinal))
        {
            kind = NotificationStreamKind.Channel;
            rest = rest[ChannelSegment.Length..];
        }
        else
        {
            return false;
        }

        if (tenant is null || string.IsNullOrWhiteSpace(tenant) || rest.IsWhiteSpace())
        {
            return false;
        }

        stream = new NotificationStreamId(tenant, kind, rest.ToString());
        return true;
    }

    /// <summary>The stream id: <c>t:{tenant}:user:{id}</c> or <c>t:{tenant}:channel:{name}</c>.</summary>
    /// <returns>The id.</returns>
    public override string ToString() =>
        TenantId is null ? string.Empty : string.Concat("t:", Escape(TenantId), Kind == NotificationStreamKind.User ? ":user:" : ":channel:", Name);

    /// <summary>Escapes <c>%</c> and <c>:</c> in a tenant id, as the gateway's group names do.</summary>
    internal static string Escape(string tenantId) =>
        tenantId.AsSpan().IndexOfAny('%', ':') < 0
            ? tenantId
            : tenantId.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);

    private static string? Unescape(ReadOnlySpan<char> tenant)
    {
        if (tenant.IndexOf('%') < 0)
        {
            return tenant.ToString();
        }

        var text = tenant.ToString();
        var unescaped = text.Replace("%3A", ":", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);

        // Only the two escapes the id can contain: anything else is not a stream id of ours.
        return Escape(unescaped) == text ? unescaped : null;
    }
}
