using System.Security.Claims;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.Identity;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>What the gateway keeps per connection: who it is, which channels it is in, when its authentication expires.</summary>
internal sealed class GatewaySession(IGatewayConnection connection, ConnectionIdentity identity, ClaimsPrincipal user, DateTimeOffset? expiresAt) : IDisposable
{
    private LogThrottle? _refusalLog;

    public IGatewayConnection Connection { get; } = connection;

    public ConnectionIdentity Identity { get; } = identity;

    /// <summary>The authenticated user, with every claim of the host's authentication (for the <see cref="IChannelAuthorizer"/>).</summary>
    public ClaimsPrincipal User { get; } = user;

    /// <summary>When the connection's authentication expires; null when it does not (or is not enforced).</summary>
    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    /// <summary>The channels joined, by normalized name. Guarded by <see cref="Gate"/>.</summary>
    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);

    public Lock Gate { get; } = new();

    /// <summary>Set under <see cref="Gate"/> once the connection closed or expired: nothing joins any more.</summary>
    public bool Closed { get; set; }

    /// <summary>Set under <see cref="Gate"/> when the authentication expired (then <see cref="Closed"/> is set too).</summary>
    public bool Expired { get; set; }

    public ITimer? ExpiryTimer { get; set; }

    /// <summary>The connection's inbox state (outbox, followed streams) when the inbox is on.</summary>
    public Inbox.GatewayInboxSession? Inbox { get; set; }

    /// <summary>Throttles this connection's refusal warnings; made on the first refusal.</summary>
    public LogThrottle RefusalLog(TimeProvider timeProvider, TimeSpan interval) =>
        _refusalLog ?? Interlocked.CompareExchange(ref _refusalLog, new LogThrottle(timeProvider, interval), null) ?? _refusalLog;

    /// <summary>Refusals not logged since the last warning (0 when there never was a refusal).</summary>
    public int TakeUnloggedRefusals() => _refusalLog?.TakeHeld() ?? 0;

    public void Dispose() => ExpiryTimer?.Dispose();
}
