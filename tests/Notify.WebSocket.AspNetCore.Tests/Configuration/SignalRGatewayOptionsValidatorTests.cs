using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Configuration;

public sealed class SignalRGatewayOptionsValidatorTests
{
    [Fact]
    public async Task Start_WithInvalidGatewayOptions_FailsListingEveryProblem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayServer.StartAsync(gateway: o =>
        {
            o.AllowAnonymous = true;
            o.TenantSendPermitLimit = 0;
            o.ChannelRequestWindow = TimeSpan.Zero;
            o.ConnectionPermitLimit = 0;
            o.ConnectionWindow = TimeSpan.FromSeconds(-1);
            o.LogThrottleInterval = TimeSpan.FromSeconds(-1);
        }));

        Assert.Contains(ex.Failures, f => f.Contains("anonymousTenantId", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("tenantSendPermitLimit", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("channelRequestWindow", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("connectionPermitLimit", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("connectionWindow", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("logThrottleInterval", StringComparison.Ordinal));
    }
}
