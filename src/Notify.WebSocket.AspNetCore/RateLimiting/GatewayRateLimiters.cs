using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.ScaleOut;

namespace Notify.WebSocket.AspNetCore.RateLimiting;

/// <summary>
/// The gateway's limits, each a fixed window per key: connections opened and channel requests per user (so
/// reconnecting does not renew them), sends per tenant. Shared by every instance when Redis scale-out is on.
/// </summary>
internal sealed class GatewayRateLimiters : IDisposable
{
    private readonly GatewayRateLimit _connections;
    private readonly GatewayRateLimit _channelRequests;
    private readonly GatewayRateLimit _sends;
    private readonly GatewayRateLimit _inboxRequests;

    public GatewayRateLimiters(IOptions<SignalRGatewayOptions> options, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<GatewayRateLimiters> logger, GatewayRedis? redis = null)
    {
        var o = options.Value;
        var failureLog = new LogThrottle(timeProvider, o.LogThrottleInterval);
        _connections = new GatewayRateLimit("connect", o.ConnectionPermitLimit, o.ConnectionWindow, redis, metrics, failureLog, logger);
        _channelRequests = new GatewayRateLimit("channel", o.ChannelRequestPermitLimit, o.ChannelRequestWindow, redis, metrics, failureLog, logger);
        _sends = new GatewayRateLimit("send", o.TenantSendPermitLimit, o.TenantSendWindow, redis, metrics, failureLog, logger);
        _inboxRequests = new GatewayRateLimit("inbox", o.InboxRequestPermitLimit, o.InboxRequestWindow, redis, metrics, failureLog, logger);
        ConnectionLimitDescription = GatewayRateLimit.Describe(o.ConnectionPermitLimit, o.ConnectionWindow);
        ChannelRequestLimitDescription = GatewayRateLimit.Describe(o.ChannelRequestPermitLimit, o.ChannelRequestWindow);
        SendLimitDescription = GatewayRateLimit.Describe(o.TenantSendPermitLimit, o.TenantSendWindow);
        InboxRequestLimitDescription = GatewayRateLimit.Describe(o.InboxRequestPermitLimit, o.InboxRequestWindow);
    }

    public string ConnectionLimitDescription { get; }

    public string ChannelRequestLimitDescription { get; }

    public string SendLimitDescription { get; }

    public string InboxRequestLimitDescription { get; }

    /// <summary>Takes one permit of the user's connection budget.</summary>
    /// <param name="userKey">The connection's <see cref="Identity.ConnectionIdentity.RateLimitKey"/>.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    /// <returns>False when the budget is spent.</returns>
    public ValueTask<bool> TryAcquireConnectionAsync(string userKey, CancellationToken cancellationToken) => _connections.TryAcquireAsync(userKey, cancellationToken);

    /// <summary>Takes one permit of the user's channel-request budget.</summary>
    /// <param name="userKey">The connection's <see cref="Identity.ConnectionIdentity.RateLimitKey"/>.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    /// <returns>False when the budget is spent.</returns>
    public ValueTask<bool> TryAcquireChannelRequestAsync(string userKey, CancellationToken cancellationToken) => _channelRequests.TryAcquireAsync(userKey, cancellationToken);

    /// <summary>Takes one permit of the user's inbox-request budget.</summary>
    /// <param name="userKey">The connection's <see cref="Identity.ConnectionIdentity.RateLimitKey"/>.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    /// <returns>False when the budget is spent.</returns>
    public ValueTask<bool> TryAcquireInboxRequestAsync(string userKey, CancellationToken cancellationToken) => _inboxRequests.TryAcquireAsync(userKey, cancellationToken);

    public ValueTask<bool> TryAcquireSendAsync(string tenantId, CancellationToken cancellationToken) => _sends.TryAcquireAsync(tenantId, cancellationToken);

    public void Dispose()
    {
        _connections.Dispose();
        _channelRequests.Dispose();
        _sends.Dispose();
        _inboxRequests.Dispose();
    }
}
