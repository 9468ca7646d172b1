using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Fans incoming messages out to every <see cref="IWebSocketProvider.ReceiveAsync(CancellationToken)"/> subscriber,
/// each through its own bounded buffer so one slow reader never stalls the connection or the other readers. A
/// subscription is registered when it is made, not at its first read, so nothing published in between is missed.
/// </summary>
internal sealed class IncomingMessageFanout(int capacity)
{
    private readonly Lock _gate = new();
    private Channel<IncomingMessage>[] _subscribers = [];
    private bool _completed;

    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    public void Publish(IncomingMessage message)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Writer.TryWrite(message);
        }
    }

    /// <summary>
    /// Subscribes now and returns the stream of what is published from now on. The subscription ends when the stream
    /// is read to its end or disposed, when <paramref name="cancellationToken"/> is cancelled (even if it was never
    /// read), or when the fanout completes.
    /// </summary>
    public IAsyncEnumerable<IncomingMessage> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<IncomingMessage>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            static _ => ExternalTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "slow-reader")));

        lock (_gate)
        {
            if (_completed)
            {
                channel.Writer.TryComplete();
                return channel.Reader.ReadAllAsync(CancellationToken.None);
            }

            _subscribers = [.. _subscribers, channel];
        }

        var unsubscribe = cancellationToken.UnsafeRegister(static state =>
        {
            var (fanout, subscriber) = ((IncomingMessageFanout, Channel<IncomingMessage>))state!;
            fanout.Remove(subscriber);
        }, (this, channel));
        return ReadAsync(channel, unsubscribe, cancellationToken);
    }

    public void Complete()
    {
        Channel<IncomingMessage>[] subscribers;
        lock (_gate)
        {
            _completed = true;
            subscribers = _subscribers;
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Writer.TryComplete();
        }
    }

    private async IAsyncEnumerable<IncomingMessage> ReadAsync(Channel<IncomingMessage> channel, CancellationTokenRegistration unsubscribe, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var message))
                {
                    yield return message;
                }
            }
        }
        finally
        {
            await unsubscribe.DisposeAsync().ConfigureAwait(false);
            Remove(channel);
        }
    }

    private void Remove(Channel<IncomingMessage> channel)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != channel)];
        }
    }
}
