using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// Answers clients: events, and refusals, each counted in metrics, logged at most once per interval (per connection,
/// or for refused connections per instance) and answered with an <c>error</c> event.
/// </summary>
internal sealed class GatewayResponder
{
    public const string NoTenant = "";

    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _logInterval;
    private readonly ILogger _logger;
    private readonly LogThrottle _connectionRefusalLog;

    public GatewayResponder(GatewayMetrics metrics, TimeProvider timeProvider, IOptions<SignalRGatewayOptions> options, ILogger<GatewayConnectionHandler> logger)
    {
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logInterval = options.Value.LogThrottleInterval;
        _logger = logger;
        _connectionRefusalLog = new LogThrottle(timeProvider, _logInterval);
    }

    /// <summary>The answer to anything a connection does after its authentication expired.</summary>
    public static GatewayError TokenExpired => new("token expired", GatewayErrorCodes.Unauthorized);

    /// <summary>Counts a refused request, logs it (throttled per connection) and answers it with an <c>error</c> event.</summary>
    public async Task RefuseAsync(GatewaySession session, string request, string reason, GatewayError error)
    {
        var identity = session.Identity;
        _metrics.Refused(identity.TenantId, reason);
        if (session.RefusalLog(_timeProvider, _logInterval).TryEnter(out var suppressed))
        {
            // Only names that passed the channel-name rules reach the log: nothing invisible or bidi. Requests of no
            // channel (positions, inbox requests) say so rather than print an empty name.
            Log.RequestRefused(_logger, request, session.Connection.ConnectionId, identity.TenantId, identity.UserId, reason, error.ChannelName ?? "(none)", suppressed);
        }

        await SendAsync(session.Connection, GatewayEvents.Error, error).ConfigureAwait(false);
    }

    /// <summary>Counts a refused connection, logs it (throttled) and refuses it the transport's way (<see cref="IGatewayConnection.RefuseAsync"/>).</summary>
    public async Task RefuseConnectionAsync(IGatewayConnection connection, string tenantId, string reason, GatewayError error)
    {
        _metrics.Refused(tenantId, reason);
        if (_connectionRefusalLog.TryEnter(out var suppressed))
        {
            Log.ConnectionRefused(_logger, connection.ConnectionId, tenantId, reason, suppressed);
        }

        try
        {
            await connection.RefuseAsync(error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SendToClientFailed(_logger, ex, GatewayEvents.Error, connection.ConnectionId);
            connection.Abort();
        }
    }

    /// <summary>Sends to the client; a connection that is going away is not an error of ours.</summary>
    public async Task SendAsync(IGatewayConnection connection, string eventName, object payload)
    {
        try
        {
            await connection.SendAsync(eventName, payload, connection.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (connection.Closed.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SendToClientFailed(_logger, ex, eventName, connection.ConnectionId);
        }
    }
}
