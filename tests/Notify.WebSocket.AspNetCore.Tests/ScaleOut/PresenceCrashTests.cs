using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.ScaleOut;

/// <summary>An instance that crashes (SIGKILL, no shutdown) stops counting in the others' presence within the presence timeout.</summary>
public sealed class PresenceCrashTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private static readonly TimeSpan PresenceTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task CrashedInstance_ItsConnectionsStopCounting_WithinThePresenceTimeout()
    {
        var configuration = redis.RequireConfiguration();
        var prefix = "t" + Guid.NewGuid().ToString("N");
        await using var survivor = await GatewayServer.StartAsync(
            provider: o => o.FailWhenRecipientOffline = true,
            notifications: b => b.AddSignalRRedisScaleOut(o =>
            {
                o.Configuration = configuration;
                o.ChannelPrefix = prefix;
                o.PresenceTimeout = PresenceTimeout;
            }));
        await using var crashing = await WebSampleProcess.StartAsync(
            "--Notifications:Redis:Configuration", configuration,
            "--Notifications:Redis:ChannelPrefix", prefix,
            "--Notifications:Redis:PresenceTimeout", PresenceTimeout.ToString());
        await using var carol = await GatewayClient.ConnectAsync(crashing.HubUrl, await crashing.TokenAsync("carol", "1"));
        await carol.ReadyAsync();
        var provider = await survivor.ProviderAsync("1");

        var before = await provider.SendToUserAsync("carol", new NotificationContent { Subject = "across processes" });
        await carol.NotificationAsync("across processes");
        await crashing.CrashAsync();
        var sinceCrash = Stopwatch.StartNew();
        SendResult? after = null;
        await Notify.WebSocket.Testing.Eventually.TrueAsync(
            async () => !(after = await provider.SendToUserAsync("carol", new NotificationContent { Subject = "after the crash" })).Success,
            "the killed instance's connection stops counting",
            timeoutMs: (int)(PresenceTimeout + GatewayClient.Timeout).TotalMilliseconds);
        sinceCrash.Stop();
        output.WriteLine($"presence of the killed instance (pid {crashing.ProcessId}) expired {sinceCrash.ElapsedMilliseconds} ms after SIGKILL (presence timeout {PresenceTimeout.TotalMilliseconds} ms)");

        Assert.True(before.Success, before.Error?.Message);
        Assert.Equal(1, before.Metadata["deliveredConnections"]);
        Assert.Equal(WebSocketErrorCodes.RecipientOffline, after?.Error?.Code);
        Assert.True(sinceCrash.Elapsed <= PresenceTimeout + TimeSpan.FromSeconds(1), $"expired after {sinceCrash.Elapsed}");
    }
}
