using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External;

/// <summary>
/// A pooled connection to an external server, independent of the wire protocol: the connection state machine, the
/// reconnection loop with capped, jittered backoff, one writer with a bounded queue for sends made while
/// disconnected, correlation of acknowledgments and queries by id, channel membership shared by every provider on
/// the connection, and dispatch of incoming events. Transports implement opening, the receive loop and writing.
/// </summary>
internal abstract class ExternalConnection : PooledConnection
{
    private readonly Lock _stateGate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<OutgoingMessage> _queue;
    private readonly PendingOperations _pending = new();
    private readonly Dictionary<string, int> _channels = new(StringComparer.Ordinal);
    private readonly IReconnectionPolicy _policy;
    private IIncomingSubscriber[] _subscribers = [];
    private TaskCompletionSource _stateChanged = NewSignal();
    private WebSocketConnectionState _state = WebSocketConnectionState.Connecting;
    private WebSocketNotificationError? _failure;
    private Task _run = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private ITimer? _acknowledgmentSweep;
    private int _disposed;

    protected ExternalConnection(ConnectionPoolKey key, WebSocketProviderOptions options, TimeProvider timeProvider, ILogger logger, IReconnectionPolicy? policy = null)
        : base(key)
    {
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
        _policy = policy ?? ExponentialBackoffPolicy.From(options);
        _queue = options.SendQueueCapacity > 0
            ? Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(options.SendQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(1) { SingleReader = true });
        ExternalTelemetry.Track(this);
    }

    public override WebSocketConnectionState State => _state;

    /// <summary>Why the connection is <see cref="WebSocketConnectionState.Failed"/>.</summary>
    public WebSocketNotificationError? Failure => _failure;

    public string Protocol => Key.Protocol == WebSocketProtocol.Ws ? "ws" : "socketio";

    protected internal WebSocketProviderOptions Options { get; }

    protected internal TimeProvider TimeProvider { get; }

    protected internal ILogger Logger { get; }

    protected CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Starts connecting in the background, so listening starts at connect rather than at the first send.</summary>
    public void Start()
    {
        _run = Task.Run(RunAsync);
        _writer = Task.Run(WriterLoopAsync);
    }

    public void Subscribe(IIncomingSubscriber subscriber)
    {
        lock (_stateGate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }
    }

    public void Unsubscribe(IIncomingSubscriber subscriber)
    {
        lock (_stateGate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscriber))];
        }
    }

    /// <summary>Waits until the connection is up (true) or has failed for good (false).</summary>
    public async Task<bool> WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_stateGate)
            {
                switch (_state)
                {
                    case WebSocketConnectionState.Connected:
                        return true;
                    case WebSocketConnectionState.Failed or WebSocketConnectionState.Disposed:
                        return false;
                }

                changed = _stateChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds channels to the connection (reference-counted across providers); new ones are joined now if connected, and on every connect.</summary>
    public async ValueTask JoinChannelsAsync(IEnumerable<string> channels, CancellationToken cancellationToken)
    {
        var added = new List<string>();
        lock (_channels)
        {
            foreach (var channel in channels)
            {
                var count = _channels.GetValueOrDefault(channel);
                _channels[channel] = count + 1;
                if (count == 0)
                {
                    added.Add(channel);
                }
            }
        }

        if (added.Count > 0 && _state == WebSocketConnectionState.Connected)
        {
            await WriteControlAsync(OutgoingKind.Join, added, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask LeaveChannelsAsync(IEnumerable<string> channels, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        lock (_channels)
        {
            foreach (var channel in channels)
            {
                if (_channels.TryGetValue(channel, out var count) && --_channels[channel] == 0)
                {
                    _channels.Remove(channel);
                    removed.Add(channel);
                }
            }
        }

        if (removed.Count > 0 && _state == WebSocketConnectionState.Connected)
        {
            await WriteControlAsync(OutgoingKind.Leave, removed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends an event. Completes once written (or, with <see cref="OutgoingMessage.RequiresAck"/>, once acknowledged);
    /// returns the error otherwise. When connected with nothing queued, the caller writes directly (no hand-off).
    /// </summary>
    public async ValueTask<WebSocketNotificationError?> SendAsync(OutgoingMessage message, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        if (TerminalError() is { } terminal)
        {
            return terminal;
        }

        var pending = message.RequiresAck ? _pending.Add(message) : null;
        try
        {
            var error = await WriteOrEnqueueAsync(message, pending, cancellationToken).ConfigureAwait(false);
            if (error is not null || pending is null)
            {
                return error;
            }

            // One sweep per connection times acknowledgments out, rather than one timer per message in flight.
            pending.Deadline = TimeProvider.GetTimestamp() + (long)(ackTimeout.TotalSeconds * TimeProvider.TimestampFrequency);
            EnsureAcknowledgmentSweep(ackTimeout);
            await (cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task).ConfigureAwait(false);
            ExternalTelemetry.Acknowledged.Add(1);
            return null;
        }
        catch (TimeoutException)
        {
            return ExternalErrors.AckTimeout;
        }
        catch (WebSocketNotificationException ex)
        {
            return ex.Error;
        }
        finally
        {
            if (pending is not null)
            {
                _pending.Remove(pending);
                OnPendingRemoved(message.Id!);
            }
        }
    }

    /// <summary>Sends a request and waits for the response with the same id.</summary>
    public async ValueTask<JsonElement> QueryAsync(OutgoingMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (TerminalError() is { } terminal)
        {
            throw new WebSocketNotificationException(terminal);
        }

        var pending = _pending.Add(message);
        try
        {
            using var deadline = new CancellationTokenSource(timeout, TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            try
            {
                var error = await WriteOrEnqueueAsync(message, pending, linked.Token).ConfigureAwait(false);
                if (error is not null)
                {
                    throw new WebSocketNotificationException(error);
                }

                return await pending.Completion.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new WebSocketNotificationException(ExternalErrors.QueryTimeout(message.EventName, timeout));
            }
        }
        finally
        {
            // A late response finds nothing to complete and is ignored.
            _pending.Remove(pending);
            OnPendingRemoved(message.Id!);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        SetState(WebSocketConnectionState.Disposed, ExternalErrors.Closed);
        _queue.Writer.TryComplete();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        FailQueued(ExternalErrors.Closed);
        _pending.FailAll(ExternalErrors.Closed);
        try
        {
            await Task.WhenAll(_run, _writer).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await CloseTransportAsync().ConfigureAwait(false);
        if (_acknowledgmentSweep is not null)
        {
            await _acknowledgmentSweep.DisposeAsync().ConfigureAwait(false);
        }

        ExternalTelemetry.Untrack(this);
        _lifetime.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Opens the transport; throws <see cref="ConnectException"/> (or anything else, treated as retryable) on failure.</summary>
    protected abstract Task OpenAsync(ConnectionRequest request, CancellationToken cancellationToken);

    /// <summary>Runs until the open transport drops (returns or throws).</summary>
    protected abstract Task ReceiveLoopAsync(CancellationToken cancellationToken);

    /// <summary>Writes one message. Never called concurrently.</summary>
    protected abstract ValueTask WriteAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Builds the connection request (url plus auth) for each attempt, so rotated credentials are picked up.</summary>
    protected abstract ConnectionRequest CreateRequest();

    protected abstract ValueTask CloseTransportAsync();

    /// <summary>An ack or query with this id is no longer awaited (answered, timed out or failed).</summary>
    protected virtual void OnPendingRemoved(string id)
    {
    }

    /// <summary>Tells the connection the transport died (from a failed write, a missed heartbeat, …).</summary>
    protected abstract void AbortTransport();

    protected void Dispatch(IncomingFrame frame)
    {
        ExternalTelemetry.Received.Add(1);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.OnIncoming(frame);
        }
    }

    /// <summary>Completes the pending ack or query with this id; unknown ids (late or foreign responses) are ignored.</summary>
    protected internal bool CompletePending(string id, JsonElement data) => _pending.TryComplete(id, data);

    protected static void CountDropped(string reason) => ExternalTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts and logs an incoming frame that could not be used; the connection stays up.</summary>
    protected internal void DropFrame(string reason, string tag)
    {
        CountDropped(tag);
        Log.FrameDropped(Logger, Key.ToString(), reason);
    }

    /// <summary>Acknowledgment deadlines are checked every tenth of the timeout (between 10 ms and 1 s).</summary>
    private void EnsureAcknowledgmentSweep(TimeSpan ackTimeout)
    {
        if (Volatile.Read(ref _acknowledgmentSweep) is not null)
        {
            return;
        }

        var period = TimeSpan.FromMilliseconds(Math.Clamp(ackTimeout.TotalMilliseconds / 10, 10, 1000));
        var sweep = TimeProvider.CreateTimer(static state => ((ExternalConnection)state!).SweepAcknowledgments(), this, period, period);
        if (Interlocked.CompareExchange(ref _acknowledgmentSweep, sweep, null) is not null)
        {
            sweep.Dispose();
        }
    }

    private void SweepAcknowledgments() => _pending.ExpireAcknowledgments(TimeProvider.GetTimestamp());

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebSocketNotificationError? TerminalError()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _state == WebSocketConnectionState.Failed ? _failure : null;
    }

    private async ValueTask<WebSocketNotificationError?> WriteOrEnqueueAsync(OutgoingMessage message, PendingOperations.Pending? pending, CancellationToken cancellationToken)
    {
        if (_state == WebSocketConnectionState.Connected && _queue.Reader.Count == 0 && _writeLock.Wait(0, cancellationToken))
        {
            var written = false;
            try
            {
                if (_state == WebSocketConnectionState.Connected && _queue.Reader.Count == 0)
                {
                    if (pending is not null)
                    {
                        pending.Written = true;
                    }

                    await WriteAsync(message, cancellationToken).ConfigureAwait(false);
                    written = true;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The socket died under us: the message goes to the queue and out again after the reconnect.
                Log.WriteFailed(Logger, ex, Key.ToString());
                MarkDropped();
            }
            finally
            {
                _writeLock.Release();
            }

            if (written)
            {
                return null;
            }
        }

        if (pending is not null)
        {
            pending.Written = false;
        }

        message.PrepareForQueue();
        if (!_queue.Writer.TryWrite(message))
        {
            // A completed queue means the connection failed or closed meanwhile.
            return _state is WebSocketConnectionState.Failed or WebSocketConnectionState.Disposed ? _failure ?? ExternalErrors.Closed : ExternalErrors.QueueFull;
        }

        try
        {
            return await message.Written.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The writer skips it; a cancelled send leaves the queue.
            message.Cancel();
            throw;
        }
    }

    private async Task WriterLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(Lifetime).ConfigureAwait(false))
            {
                if (!await WaitUntilConnectedAsync(Lifetime).ConfigureAwait(false))
                {
                    return;
                }

                await _writeLock.WaitAsync(Lifetime).ConfigureAwait(false);
                try
                {
                    while (_state == WebSocketConnectionState.Connected && reader.TryPeek(out var message))
                    {
                        if (!message.IsCancelled)
                        {
                            try
                            {
                                await WriteAsync(message, Lifetime).ConfigureAwait(false);
                            }
                            catch (Exception ex) when (ex is not OperationCanceledException || !Lifetime.IsCancellationRequested)
                            {
                                Log.WriteFailed(Logger, ex, Key.ToString());
                                MarkDropped();
                                break;
                            }
                        }

                        reader.TryRead(out _);
                        message.Complete(null);
                    }
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        var everConnected = false;
        while (!Lifetime.IsCancellationRequested)
        {
            WebSocketNotificationError error;
            try
            {
                await ConnectOnceAsync().ConfigureAwait(false);
                attempt = 0;
                if (everConnected)
                {
                    ExternalTelemetry.Reconnects.Add(1);
                }

                everConnected = true;
                await ReceiveLoopAsync(Lifetime).ConfigureAwait(false);
                error = ExternalErrors.Lost;
            }
            catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (ConnectException ex) when (!ex.Error.Retryable)
            {
                Log.ConnectRefused(Logger, Key.ToString(), ex.Error.Message);
                Fail(ex.Error);
                return;
            }
            catch (ConnectException ex)
            {
                error = ex.Error;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error = ExternalErrors.ConnectFailed(ex.Message);
            }

            if (Lifetime.IsCancellationRequested)
            {
                return;
            }

            MarkDropped();
            _pending.FailQueries(ExternalErrors.Lost);
            Log.Disconnected(Logger, Key.ToString(), error.Message);

            if (!Options.Reconnection)
            {
                Fail(error);
                return;
            }

            if (_policy.NextDelay(attempt) is not { } delay)
            {
                Log.MaxReconnectionAttempts(Logger, Options.ReconnectionAttempts, Key.ToString());
                Fail(ExternalErrors.MaxAttempts(Options.ReconnectionAttempts));
                return;
            }

            attempt++;

            // The backoff timer exists before the log says the attempt is scheduled (a clock advanced on that line must hit it).
            var backoff = Task.Delay(delay, TimeProvider, Lifetime);
            Log.Reconnecting(Logger, Key.ToString(), attempt, (long)delay.TotalMilliseconds);
            try
            {
                await backoff.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectOnceAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Options.Timeout), TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(Lifetime, timeout.Token);
        try
        {
            await OpenAsync(CreateRequest(), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !Lifetime.IsCancellationRequested)
        {
            throw new ConnectException(ExternalErrors.ConnectTimeout);
        }

        // Joins and unacknowledged messages go out before anything queued, then the writer resumes.
        await _writeLock.WaitAsync(Lifetime).ConfigureAwait(false);
        try
        {
            string[] channels;
            lock (_channels)
            {
                channels = [.. _channels.Keys];
            }

            foreach (var channel in channels)
            {
                await WriteAsync(ControlMessage(OutgoingKind.Join, channel), Lifetime).ConfigureAwait(false);
            }

            foreach (var message in _pending.Unacknowledged())
            {
                await WriteAsync(message, Lifetime).ConfigureAwait(false);
            }

            SetState(WebSocketConnectionState.Connected, null);
        }
        finally
        {
            _writeLock.Release();
        }

        Log.Connected(Logger, Key.ToString());
    }

    private async ValueTask WriteControlAsync(OutgoingKind kind, List<string> channels, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != WebSocketConnectionState.Connected)
            {
                return; // joined on the next connect
            }

            foreach (var channel in channels)
            {
                await WriteAsync(ControlMessage(kind, channel), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.WriteFailed(Logger, ex, Key.ToString());
            MarkDropped();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private OutgoingMessage ControlMessage(OutgoingKind kind, string channel) =>
        new(kind, kind == OutgoingKind.Join ? Options.CustomEvents.Join : Options.CustomEvents.Leave, PayloadSerializer.Room(Options, channel), id: null, requiresAck: false);

    private void MarkDropped()
    {
        bool wasConnected;
        lock (_stateGate)
        {
            wasConnected = _state == WebSocketConnectionState.Connected;
        }

        if (wasConnected)
        {
            SetState(WebSocketConnectionState.Reconnecting, null);
            AbortTransport();
        }
    }

    private void Fail(WebSocketNotificationError error)
    {
        SetState(WebSocketConnectionState.Failed, error);
        _queue.Writer.TryComplete();
        FailQueued(error);
        _pending.FailAll(error);
    }

    private void FailQueued(WebSocketNotificationError error)
    {
        while (_queue.Reader.TryRead(out var message))
        {
            message.Complete(error);
        }
    }

    private void SetState(WebSocketConnectionState state, WebSocketNotificationError? failure)
    {
        TaskCompletionSource changed;
        lock (_stateGate)
        {
            if (_state is WebSocketConnectionState.Disposed || (_state == WebSocketConnectionState.Failed && state != WebSocketConnectionState.Disposed))
            {
                return;
            }

            _state = state;
            _failure = failure ?? _failure;
            changed = _stateChanged;
            _stateChanged = NewSignal();
        }

        changed.TrySetResult();
    }
}
