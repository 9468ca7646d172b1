using Microsoft.Extensions.Logging;
using Notify.WebSocket.AspNetCore.Diagnostics;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// Ends connections when their authentication expires: a timer per connection (on <see cref="TimeProvider"/>) sends
/// the <c>error</c> event <c>{ code: "UNAUTHORIZED", message: "token expired" }</c> first, then closes the connection.
/// </summary>
internal sealed class AuthenticationExpiry(GatewayResponder responder, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<GatewayConnectionHandler> logger)
{
    /// <summary>The longest timer a <see cref="TimeProvider"/> reliably arms; later expiries re-arm when it fires.</summary>
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(30);

    /// <summary>Whether the expiry has passed (a request must not slip through while the timer is still due).</summary>
    public bool HasPassed(GatewaySession session) => session.ExpiresAt <= timeProvider.GetUtcNow();

    /// <summary>Arms the session's timer, when its authentication expires.</summary>
    public void Watch(GatewaySession session)
    {
        if (session.ExpiresAt is not { } expiry)
        {
            return;
        }

        session.ExpiryTimer = timeProvider.CreateTimer(
            static state =>
            {
                var (self, expiring) = ((AuthenticationExpiry, GatewaySession))state!;
                self.OnTimer(expiring);
            },
            (this, session),
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        Arm(session, expiry);
    }

    /// <summary>Ends the connection: the <c>error</c> event first, then the close. Once per connection.</summary>
    public async Task ExpireAsync(GatewaySession session)
    {
        lock (session.Gate)
        {
            if (session.Closed)
            {
                return; // already expired, or disconnected
            }

            session.Expired = true;
            session.Closed = true;
        }

        var identity = session.Identity;
        metrics.Refused(identity.TenantId, RefusalReasons.TokenExpired);
        Log.AuthenticationExpired(logger, session.Connection.ConnectionId, identity.TenantId, identity.UserId);
        try
        {
            await responder.SendAsync(session.Connection, GatewayEvents.Error, GatewayResponder.TokenExpired).ConfigureAwait(false);
        }
        finally
        {
            session.Connection.Abort();
        }
    }

    private void Arm(GatewaySession session, DateTimeOffset expiry)
    {
        var due = expiry - timeProvider.GetUtcNow();
        session.ExpiryTimer?.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxTimerDue ? MaxTimerDue : due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer(GatewaySession session)
    {
        if (session.ExpiresAt is { } expiry && expiry > timeProvider.GetUtcNow())
        {
            Arm(session, expiry); // a far expiry, armed in steps
            return;
        }

        _ = ExpireAsync(session);
    }
}
