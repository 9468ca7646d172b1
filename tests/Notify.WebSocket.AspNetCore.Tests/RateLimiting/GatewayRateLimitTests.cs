using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.RateLimiting;
using Notify.WebSocket.AspNetCore.ScaleOut;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.RateLimiting;

public sealed class GatewayRateLimitTests
{
    [Fact]
    public async Task TryAcquire_WhenRedisIsDown_FallsBackToThisInstancesLimiter_AndCountsTheFailure()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var errors = new MetricCollector<long>(meters, GatewayMetrics.MeterName, "notify.websocket.gateway.limiter.errors");
        await using var redis = new GatewayRedis(new RedisScaleOutOptions { Configuration = $"127.0.0.1:{Loopback.FreePort()},connectTimeout=500" });
        using var limit = new GatewayRateLimit(
            "send", permitLimit: 1, TimeSpan.FromMinutes(1), redis, new GatewayMetrics(meters), new LogThrottle(TimeProvider.System, TimeSpan.FromSeconds(10)), NullLogger.Instance);

        var first = await limit.TryAcquireAsync("tenant-1", CancellationToken.None);
        var second = await limit.TryAcquireAsync("tenant-1", CancellationToken.None);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(2, errors.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task TryAcquire_WithoutALimit_AlwaysSucceeds()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var limit = new GatewayRateLimit(
            "send", permitLimit: null, TimeSpan.FromSeconds(1), redis: null, new GatewayMetrics(services.GetRequiredService<IMeterFactory>()), new LogThrottle(TimeProvider.System, TimeSpan.Zero), NullLogger.Instance);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(await limit.TryAcquireAsync("tenant-1", CancellationToken.None));
        }
    }
}
