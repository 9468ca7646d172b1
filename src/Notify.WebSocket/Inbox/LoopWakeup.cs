using System.Threading.Channels;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// Wakes a loop that waits for a channel's items, for loops whose wake-up is on a send's latency path. A channel's own
/// <c>WaitToReadAsync</c> wakes its reader through the thread pool's global queue, behind every delivery already queued
/// there, which on a busy machine took milliseconds. Completing a task from a pool thread queues the continuation on
/// that thread's local queue instead, so the loop runs as soon as the writer's thread is free.
/// </summary>
internal sealed class LoopWakeup
{
    private TaskCompletionSource? _waiter;

    /// <summary>Wakes the loop if it waits; call after each write to the channel, and after completing it.</summary>
    public void Wake() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();

    /// <summary>Waits until the channel has an item (true) or is completed and empty (false).</summary>
    /// <typeparam name="T">The channel's items.</typeparam>
    /// <param name="reader">The channel (a single reader's).</param>
    /// <returns>Whether an item is there to read.</returns>
    public async ValueTask<bool> WaitToReadAsync<T>(ChannelReader<T> reader)
    {
        while (!reader.TryPeek(out _))
        {
            if (reader.Completion.IsCompleted)
            {
                return false;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _waiter, waiter);

            // A write between the peek above and the exchange did not see this waiter: look again before waiting.
            if (!reader.TryPeek(out _) && !reader.Completion.IsCompleted)
            {
                await waiter.Task.ConfigureAwait(false);
            }

            Interlocked.CompareExchange(ref _waiter, null, waiter);
        }

        return true;
    }
}
