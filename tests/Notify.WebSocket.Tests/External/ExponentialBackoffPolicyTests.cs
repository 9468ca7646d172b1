using Notify.WebSocket.External;

namespace Notify.WebSocket.Tests.External;

public sealed class ExponentialBackoffPolicyTests
{
    [Fact]
    public void Delay_DoublesPerAttempt_UpToTheCap()
    {
        var policy = new ExponentialBackoffPolicy(10, TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(5000), random: () => 0.5);

        var delays = Enumerable.Range(0, 6).Select(a => policy.NextDelay(a)!.Value.TotalMilliseconds).ToArray();

        Assert.Equal([1000, 2000, 4000, 5000, 5000, 5000], delays);
    }

    [Theory]
    [InlineData(0.0, 800)]
    [InlineData(1.0, 1200)]
    public void Jitter_IsTwentyPercentEitherWay(double random, double expected)
    {
        var policy = new ExponentialBackoffPolicy(3, TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(30_000), () => random);

        Assert.Equal(expected, policy.NextDelay(0)!.Value.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Jitter_NeverExceedsTheCap()
    {
        var policy = new ExponentialBackoffPolicy(30, TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(5000), () => 1.0);

        Assert.Equal(5000, policy.NextDelay(20)!.Value.TotalMilliseconds);
    }

    [Fact]
    public void Attempts_StopAtTheLimit()
    {
        var policy = new ExponentialBackoffPolicy(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100));

        Assert.NotNull(policy.NextDelay(1));
        Assert.Null(policy.NextDelay(2));
    }

    [Fact]
    public void ReconnectionOff_OrZeroAttempts_NeverRetries()
    {
        Assert.Null(ExponentialBackoffPolicy.From(new WebSocketProviderOptions { Reconnection = false }).NextDelay(0));
        Assert.Null(ExponentialBackoffPolicy.From(new WebSocketProviderOptions { ReconnectionAttempts = 0 }).NextDelay(0));
    }
}
