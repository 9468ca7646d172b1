using System.Collections.Concurrent;

namespace Notify.WebSocket.External;

/// <summary>
/// Everything a pooled connection has to write, and the acknowledgments it waits for. There is one write path: a
/// sender adds its message and, when nobody is writing, becomes the writer and drains the queue (its own message
/// and whatever others added meanwhile) without a hand-off to another task. A reconnect first brings the new socket
/// into its channels, then writes again every acknowledged message that reached the old socket but was not
/// acknowledged, then opens the queue; nothing written, queued or in flight at a drop is forgotten.
/// </summary>
internal sealed class OutboundQueue : IAsyncDisposable
{
    private readonly ConcurrentQueue<OutgoingMessage> _queue = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Func<OutgoingMessage, CancellationToken, ValueTask> _write;
    private readonly Action<Exception> _writeFailed;
    private readonly Func<OutgoingKind, string, OutgoingMessage> _channelMessage;
    private readonly ChannelMembership _channels;
    private readonly TimeProvider _timeProvider;
    private readonly int _capacityWhileClosed;
    private readonly CancellationToken _lifetime;
    private ITimer? _acknowledgmentSweep;

    // The message the writer took from the queue and is writing: it still counts as waiting until written, and one
    // whose write failed stays here, to be written first on the next socket. Not peeked at in the queue instead: after
    // a TryPeek, ConcurrentQueue stops clearing the slots it dequeues, so written messages stayed referenced and
    // survived gen0 collections, and the larger gen0 budget that follows made every send slower.
    private OutgoingMessage? _writing;
    private int _waiting;
    private volatile bool _open;

    /// <param name="write">Writes one message to the current socket; never called concurrently.</param>
    /// <param name="writeFailed">The socket failed a write: it is dead, and the connection must reconnect.</param>
    /// <param name="channelMessage">Builds a join or leave message for a channel.</param>
    /// <param name="channels">The channels the socket must be in.</param>
    /// <param name="capacityWhileClosed">How many messages may wait while the connection is down.</param>
    /// <param name="timeProvider">The clock of acknowledgment deadlines.</param>
    /// <param name="lifetime">Cancelled when the connection is disposed.</param>
    public OutboundQueue(
        Func<OutgoingMessage, CancellationToken, ValueTask> write,
        Action<Exception> writeFailed,
        Func<OutgoingKind, string, OutgoingMessage> channelMessage,
        ChannelMembership channels,
        int capacityWhileClosed,
        TimeProvider timeProvider,
        CancellationToken lifetime)
    {
        _write = write;
        _writeFailed = writeFailed;
        _channelMessage = channelMessage;
        _channels = channels;
        _capacityWhileClosed = capacityWhileClosed;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
    }

    public PendingOperations Pending { get; } = new();

    /// <summary>Whether messages are being written (the connection is up and has caught up after its reconnect).</summary>
    public bool IsOpen => _open;

    /// <summary>Messages not yet written.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    private bool HasWork => Volatile.Read(ref _writing) is not null || !_queue.IsEmpty || _channels.HasChanges;

    /// <summary>Adds a message to write; while the connection is down, only up to the capacity.</summary>
    /// <returns><see langword="null"/>, or <see cref="ExternalErrors.QueueFull"/>.</returns>
    public WebSocketNotificationError? Enqueue(OutgoingMessage message)
    {
        if (Interlocked.Increment(ref _waiting) > _capacityWhileClosed && !_open)
        {
            Interlocked.Decrement(ref _waiting);
            return ExternalErrors.QueueFull;
        }

        _queue.Enqueue(message);
        return null;
    }

    /// <summary>Writes what is queued, unless the connection is down or another caller is already writing it.</summary>
    public async ValueTask PumpAsync()
    {
        // Checked again after the lock is released: work added while the last writer was finishing is never stranded.
        while (_open && HasWork && _writeLock.Wait(0))
        {
            try
            {
                await DrainLockedAsync().ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>
    /// Makes a newly opened socket current: joins its channels, writes again every acknowledged message that was
    /// written but not acknowledged (oldest first, with fresh deadlines), then opens the queue and drains it. A write
    /// that fails here throws, and the connection attempt counts as failed.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _channels.NewSocket();
            await WriteChannelChangesAsync().ConfigureAwait(false);
            foreach (var message in Pending.Unacknowledged())
            {
                await WriteAsync(message).ConfigureAwait(false);
            }

            _open = true;
            await DrainLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        await PumpAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The socket is gone: stop writing. Queued messages wait for the next socket, acknowledged ones are written
    /// again then, and queries that were written fail, since their answer went with the socket.
    /// </summary>
    public void Suspend(WebSocketNotificationError reason)
    {
        _open = false;
        Pending.FailWrittenQueries(reason);
    }

    /// <summary>
    /// Stops writing before a planned reconnect (sends queue meanwhile), then waits up to <paramref name="settle"/> for
    /// the server to answer what was already written, so little is written twice.
    /// </summary>
    public async Task PauseAsync(TimeSpan settle, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        _open = false;
        _writeLock.Release();

        var answers = Pending.Written();
        if (answers.Count > 0)
        {
            using var timeout = new CancellationTokenSource(settle, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            await Task.WhenAll(answers).WaitAsync(linked.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Fails every queued message and every pending acknowledgment and query with <paramref name="error"/>.</summary>
    public async Task FailAllAsync(WebSocketNotificationError error)
    {
        _open = false;

        // Senders are released at once; the messages leave the queue once no writer holds it.
        Volatile.Read(ref _writing)?.TryComplete(error);
        foreach (var message in _queue)
        {
            message.TryComplete(error);
        }

        Pending.FailAll(error);
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _writing, null) is { } writing)
            {
                Interlocked.Decrement(ref _waiting);
                writing.TryComplete(error);
            }

            while (_queue.TryDequeue(out var message))
            {
                Interlocked.Decrement(ref _waiting);
                message.TryComplete(error);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_acknowledgmentSweep is not null)
        {
            await _acknowledgmentSweep.DisposeAsync().ConfigureAwait(false);
        }

        _writeLock.Dispose();
    }

    /// <summary>Writes the queue until it is empty or the socket fails; the caller holds the write lock.</summary>
    private async ValueTask DrainLockedAsync()
    {
        try
        {
            while (_open)
            {
                if (_channels.HasChanges)
                {
                    await WriteChannelChangesAsync().ConfigureAwait(false);
                }

                var message = _writing;
                if (message is null)
                {
                    if (!_queue.TryDequeue(out message))
                    {
                        return;
                    }

                    Volatile.Write(ref _writing, message);
                }

                // Cancelled or failed messages are skipped. A message is done only once written, so one whose write
                // failed is written first on the next socket.
                if (!message.IsCompleted)
                {
                    await WriteAsync(message).ConfigureAwait(false);
                }

                Volatile.Write(ref _writing, null);
                Interlocked.Decrement(ref _waiting);
                message.TryComplete(null);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _open = false;
            _writeFailed(ex);
        }
    }

    private async ValueTask WriteChannelChangesAsync()
    {
        var (join, leave) = _channels.TakeChanges();
        foreach (var channel in join)
        {
            await _write(_channelMessage(OutgoingKind.Join, channel), _lifetime).ConfigureAwait(false);
        }

        foreach (var channel in leave)
        {
            await _write(_channelMessage(OutgoingKind.Leave, channel), _lifetime).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteAsync(OutgoingMessage message)
    {
        await _write(message, _lifetime).ConfigureAwait(false);
        message.WasWritten = true;
        if (message.RequiresAck)
        {
            message.AcknowledgmentDeadline = _timeProvider.GetTimestamp() + (long)(message.AcknowledgmentTimeout.TotalSeconds * _timeProvider.TimestampFrequency);
            EnsureAcknowledgmentSweep(message.AcknowledgmentTimeout);
        }
    }

    /// <summary>
    /// One sweep per connection times acknowledgments out, every tenth of the timeout (between 10 ms and 1 s), rather
    /// than a timer per message in flight. It only runs while the queue is open: a deadline never passes during an
    /// outage, since the message is written again, with a new deadline, after the reconnect.
    /// </summary>
    private void EnsureAcknowledgmentSweep(TimeSpan timeout)
    {
        if (Volatile.Read(ref _acknowledgmentSweep) is not null)
        {
            return;
        }

        var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 10, 1000));
        var sweep = _timeProvider.CreateTimer(static state => ((OutboundQueue)state!).SweepAcknowledgments(), this, period, period);
        if (Interlocked.CompareExchange(ref _acknowledgmentSweep, sweep, null) is not null)
        {
            sweep.Dispose();
        }
    }

    private void SweepAcknowledgments()
    {
        if (_open)
        {
            Pending.ExpireAcknowledgments(_timeProvider.GetTimestamp());
        }
    }
}
