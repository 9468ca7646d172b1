using System.Threading.Channels;
using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// One connection's ordered, bounded queue of inbox events (stored notifications, ends of replays, inbox changes) and
/// the one loop that writes them to the transport, whatever it is. A follower that finds it full reads the store
/// instead, so a slow client falls behind without anything being dropped.
/// </summary>
internal sealed class GatewayOutbox : IFollowerOutput
{
    private readonly Channel<Outgoing> _queue;
    private readonly IGatewayConnection _connection;
    private readonly GatewayResponder _responder;
    private readonly Task _pump;

    public GatewayOutbox(IGatewayConnection connection, GatewayResponder responder, int capacity)
    {
        _connection = connection;
        _responder = responder;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        _pump = Task.Run(PumpAsync);
    }

    public string ConnectionId => _connection.ConnectionId;

    public CancellationToken Closed => _connection.Closed;

    public bool TryWrite(NotificationPayload notification) => _queue.Writer.TryWrite(new Outgoing(GatewayEvents.NotificationNew, notification));

    public ValueTask WriteAsync(NotificationPayload notification, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Outgoing(GatewayEvents.NotificationNew, notification), cancellationToken);

    public bool TryWriteReplayed(StreamReplay replay) => _queue.Writer.TryWrite(new Outgoing(GatewayEvents.NotificationReplayed, replay));

    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken) =>
        await _queue.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Queues an inbox change (waiting for room in the background when the queue is full).</summary>
    public void Post(InboxChange change)
    {
        var outgoing = new Outgoing(GatewayEvents.InboxUpdated, change);
        if (!_queue.Writer.TryWrite(outgoing))
        {
            _ = WriteLaterAsync(outgoing);
        }
    }

    /// <summary>Stops taking events; the loop ends once it has written what was queued (or the connection closed).</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _pump;
    }

    private async Task WriteLaterAsync(Outgoing outgoing)
    {
        try
        {
            await _queue.Writer.WriteAsync(outgoing, Closed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The connection went away; its next connection reads the current state.
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(Closed).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var outgoing))
                {
                    await _responder.SendAsync(_connection, outgoing.Event, outgoing.Payload).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (Closed.IsCancellationRequested)
        {
        }
    }

    private readonly record struct Outgoing(string Event, object Payload);
}
