using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.RateLimiting;

/// <summary>
/// The gateway's limits (<see cref="System.Threading.RateLimiting"/>, fixed windows): channel requests per connection
/// and sends per tenant. Partitioned limiters share one replenishment timer and drop idle partitions themselves.
/// </summary>
internal sealed class GatewayRateLimiters : IDisposable
{
    private readonly PartitionedRateLimiter<string> _channelRequests;
    private readonly PartitionedRateLimiter<string> _sends;

    public GatewayRateLimiters(IOptions<SignalRGatewayOptions> options)
    {
        var o = options.Value;
        _channelRequests = Create(o.ChannelRequestPermitLimit, o.ChannelRequestWindow);
        _sends = Create(o.TenantSendPermitLimit, o.TenantSendWindow);
        SendLimitDescription = o.TenantSendPermitLimit is { } limit
            ? string.Create(CultureInfo.InvariantCulture, $"{limit} per {o.TenantSendWindow.TotalMilliseconds} ms")
            : "unlimited";
    }

    public string SendLimitDescription { get; }

    public RateLimitLease AcquireChannelRequest(string connectionId) => _channelRequests.AttemptAcquire(connectionId);

    public RateLimitLease AcquireSend(string tenantId) => _sends.AttemptAcquire(tenantId);

    public void Dispose()
    {
        _channelRequests.Dispose();
        _sends.Dispose();
    }

    private static PartitionedRateLimiter<string> Create(int? permitLimit, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => permitLimit is { } limit
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(key));
}
