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

    [Theory]
    [InlineData("a b*")]
    [InlineData("alerts\u200B*")]
    public void APatternWithACharacterNoChannelNameMayHold_IsRefused_AsOneThatCanNeverMatch(string pattern)
    {
        var result = new Notify.WebSocket.AspNetCore.Configuration.SignalRGatewayOptionsValidator().Validate(null, new SignalRGatewayOptions { AllowedChannelPatterns = ["alerts", pattern, "team-*"] });

        var failure = Assert.Single(result.Failures ?? []);
        Assert.Contains($"\"{pattern}\" can never match a channel name", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WildcardsAndAnyScript_AreAcceptedInPatterns() =>
        Assert.True(new Notify.WebSocket.AspNetCore.Configuration.SignalRGatewayOptionsValidator().Validate(null, new SignalRGatewayOptions { AllowedChannelPatterns = ["*", "team-*:alerts", "café-*", "*.news"] }).Succeeded);
}
