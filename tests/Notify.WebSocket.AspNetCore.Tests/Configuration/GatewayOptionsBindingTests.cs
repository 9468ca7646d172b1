using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.AspNetCore.Tests.Configuration;

/// <summary>The gateway section is bound by the configuration binding source generator (no reflection), strictly.</summary>
public sealed class GatewayOptionsBindingTests
{
    private static IOptions<SignalRGatewayOptions> Bind(Dictionary<string, string?> values)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Notifications:Gateway");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebSocketNotifications(o => o.Mode = WebSocketMode.Internal).AddSignalRGateway(section);
        return services.BuildServiceProvider().GetRequiredService<IOptions<SignalRGatewayOptions>>();
    }

    [Fact]
    public void Section_BindsListsNumbersAndTimeSpans()
    {
        var options = Bind(new()
        {
            ["Notifications:Gateway:allowedChannelPatterns:0"] = "alerts",
            ["Notifications:Gateway:allowedChannelPatterns:1"] = "public.*",
            ["Notifications:Gateway:channelRequestPermitLimit"] = "7",
            ["Notifications:Gateway:channelRequestWindow"] = "00:00:30",
        }).Value;

        Assert.Equal(["alerts", "public.*"], options.AllowedChannelPatterns);
        Assert.Equal(7, options.ChannelRequestPermitLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ChannelRequestWindow);
    }

    [Fact]
    public void UnknownKey_IsReported()
    {
        var options = Bind(new() { ["Notifications:Gateway:allowedChanelPatterns:0"] = "alerts" });

        var ex = Assert.Throws<InvalidOperationException>(() => options.Value);

        Assert.Contains("allowedChanelPatterns", ex.Message, StringComparison.Ordinal);
    }
}
