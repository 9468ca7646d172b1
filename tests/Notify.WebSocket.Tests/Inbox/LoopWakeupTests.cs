using System.Threading.Channels;
using Notify.WebSocket.Inbox;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>The journal's wake-up for a loop reading a channel: no wake-up is lost, and completion ends the loop.</summary>
public sealed class LoopWakeupTests
{
    [Fact]
    public async Task WaitToReadAsync_OnAnEmptyChannel_WaitsUntilAWriteIsFollowedByWake()
    {
        var channel = Channel.CreateUnbounded<int>();
        var wakeup = new LoopWakeup();

        var waiting = wakeup.WaitToReadAsync(channel.Reader).AsTask();
        Assert.False(waiting.IsCompleted);

        Assert.True(channel.Writer.TryWrite(1));
        wakeup.Wake();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WaitToReadAsync_ReturnsFalse_OnlyOnceTheChannelIsCompletedAndEmpty()
    {
        var channel = Channel.CreateUnbounded<int>();
        var wakeup = new LoopWakeup();
        Assert.True(channel.Writer.TryWrite(1));
        channel.Writer.TryComplete();

        Assert.True(await wakeup.WaitToReadAsync(channel.Reader));
        Assert.True(channel.Reader.TryRead(out _));
        Assert.False(await wakeup.WaitToReadAsync(channel.Reader));

        var idle = Channel.CreateUnbounded<int>();
        var waiting = wakeup.WaitToReadAsync(idle.Reader).AsTask();
        idle.Writer.TryComplete();
        wakeup.Wake();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AWriteBetweenTheEmptinessCheckAndTheWait_IsNotMissed()
    {
        // The reader below writes an item (and wakes) right after the loop first finds the channel empty, before the
        // loop has published what it waits on: that wake-up finds nothing to wake. Missing that write would leave the
        // loop waiting for ever, since nothing else wakes it.
        var channel = Channel.CreateUnbounded<int>();
        var wakeup = new LoopWakeup();
        var racing = new WriteAfterFirstEmptyPeek(channel, wakeup);

        var waiting = wakeup.WaitToReadAsync(racing).AsTask();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(racing.Raced);
    }

    /// <summary>A channel's reader that, the first time it is found empty, has the item written and the loop woken.</summary>
    private sealed class WriteAfterFirstEmptyPeek(Channel<int> channel, LoopWakeup wakeup) : ChannelReader<int>
    {
        public bool Raced { get; private set; }

        public override Task Completion => channel.Reader.Completion;

        public override bool TryRead(out int item) => channel.Reader.TryRead(out item);

        public override bool TryPeek(out int item)
        {
            if (channel.Reader.TryPeek(out item))
            {
                return true;
            }

            if (!Raced)
            {
                Raced = true;
                channel.Writer.TryWrite(1);
                wakeup.Wake();
            }

            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The wake-up must not fall back to the channel's own wait.");
    }
}
