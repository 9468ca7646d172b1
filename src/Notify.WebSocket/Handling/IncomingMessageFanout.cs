using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Fans incoming messages out to every <see cref="IWebSocketProvider.ReceiveAsync(CancellationToken)"/> subscriber,
/// each through its own bounded buffer so one slow reader never stalls the connection or the other readers.
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

    public async IAsyncEnumerable<IncomingMessage> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        lock (_gate)
        {
            if (_completed)
            {
                yield break;
            }

            _subscribers = [.. _subscribers, channel];
        }

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
            lock (_gate)
            {
                _subscribers = [.. _subscribers.Where(s => s != channel)];
            }
        }
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
}
