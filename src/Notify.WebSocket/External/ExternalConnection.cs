using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External;

/// <summary>
/// A pooled connection to an external server, independent of the wire protocol. It puts together the parts of a
/// connection: the <see cref="ConnectionSupervisor"/> (state and reconnects), the <see cref="OutboundQueue"/> (the
/// one write path, with acknowledgment bookkeeping), the <see cref="ChannelMembership"/> shared by the providers on
/// the connection, and the dispatch of incoming events to subscribers. Transports derive from it and implement
/// opening, the receive loop and writing.
/// </summary>
internal abstract class ExternalConnection : PooledConnection, ISupervisedConnection
{
    /// <summary>How long a rotation waits for answers to what was written, and then for the close handshake.</summary>
    private static readonly TimeSpan GracefulCloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How often dropped frames of one kind are reported.</summary>
    private static readonly TimeSpan DroppedFrameInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _subscribersGate = new();
    private readonly Lock _rotationGate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ChannelMembership _channels = new();
    private readonly OutboundQueue _queue;
    private readonly ConnectionSupervisor _supervisor;
    private readonly AuthStrategyResolver _auth;
    private readonly string _providerName;
    private readonly string _tenantId;
    private readonly LogThrottle _unheardReports;
    private readonly LogThrottle _notSubscribedReports;
    private readonly KeyValuePair<string, object?> _endpointTag;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LogThrottle> _droppedFrameReports = new(StringComparer.Ordinal);
    private IIncomingSubscriber[] _subscribers = [];
    private RotatedCredentials _credentials;
    private long _socketCredentials;
    private Task _run = Task.CompletedTask;
    private Task _rotation = Task.CompletedTask;
    private int _started;
    private int _disposed;

    protected ExternalConnection(ConnectionPoolKey key, WebSocketProviderOptions options, AuthStrategyResolver auth, TimeProvider timeProvider, ILogger logger, IReconnectionPolicy? policy = null, string? owner = null)
        : base(key)
    {
        (_providerName, var tenantId) = ProviderOptionsNames.Parse(owner);
        _tenantId = tenantId ?? WebSocketProviderDefaults.DefaultTenantId;
        Options = options;
        _credentials = new RotatedCredentials(options, 0);
        _auth = auth;
        _unheardReports = new LogThrottle(timeProvider, TimeSpan.FromSeconds(10));
        _notSubscribedReports = new LogThrottle(timeProvider, TimeSpan.FromSeconds(10));
        _endpointTag = new KeyValuePair<string, object?>(ExternalTelemetry.EndpointTag, key.HostAndPort);
        TimeProvider = timeProvider;
        Logger = logger;
        _queue = new OutboundQueue(WriteAsync, OnWriteFailed, ChannelMessage, _channels, options.SendQueueCapacity, timeProvider, _lifetime.Token);
        _supervisor = new ConnectionSupervisor(this, policy ?? ExponentialBackoffPolicy.From(options), options, timeProvider, logger);

        // Transports write with no cancellation token (ManagedWebSocket's direct path); a write blocked on the socket
        // still ends when the connection does, since its end aborts the socket.
        _ = _lifetime.Token.UnsafeRegister(static connection => ((ExternalConnection)connection!).AbortTransport(), this);
        ExternalTelemetry.Track(this);
    }

    public override WebSocketConnectionState State => _supervisor.State;

    /// <summary>Why the connection last dropped or failed.</summary>
    public WebSocketNotificationError? Failure => _supervisor.Failure;

    public string Protocol => Key.Protocol == WebSocketProtocol.Ws ? "ws" : "socketio";

    /// <summary>Every state change of the connection (connected, reconnecting with the attempt and delay, failed, disposed).</summary>
    public event Action<ConnectionTransition>? Transitioned
    {
        add => _supervisor.Transitioned += value;
        remove => _supervisor.Transitioned -= value;
    }

    string ISupervisedConnection.Endpoint => Key.ToString();

    bool ISupervisedConnection.WantsConnection => Volatile.Read(ref _subscribers).Length > 0 || !_channels.IsEmpty;

    protected internal WebSocketProviderOptions Options { get; }

    protected internal TimeProvider TimeProvider { get; }

    protected internal ILogger Logger { get; }

    protected CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Starts connecting in the background (once; later calls do nothing), so listening starts at connect rather than at the first send.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _run = Task.Run(() => _supervisor.RunAsync(Lifetime));
        }
    }

    /// <summary>
    /// Takes new credentials for every later connection attempt. A socket opened with older ones is replaced once it is
    /// open (now, when connected), gracefully: writing pauses (sends queue meanwhile), what was written is given a moment
    /// to be acknowledged or answered, the socket is closed with the close handshake, and a new one opens at once with
    /// the newest credentials and catches up (anything still unacknowledged is written again). Rotations that come
    /// while an earlier one is replacing the socket share its new socket. A connection that gave up tries again at once.
    /// </summary>
    public void RotateCredentials(WebSocketProviderOptions options)
    {
        lock (_rotationGate)
        {
            var rotated = new RotatedCredentials(options, _credentials.Version + 1);
            Volatile.Write(ref _credentials, rotated);
            var previous = _rotation;
            _rotation = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                await ReplaceSocketAsync(rotated.Version).ConfigureAwait(false);
            });
        }

        _supervisor.CredentialsChanged();
    }

    /// <summary>Completes when every rotation so far has replaced the socket or found it current (for tests).</summary>
    internal Task Rotations
    {
        get
        {
            lock (_rotationGate)
            {
                return _rotation;
            }
        }
    }

    public void Subscribe(IIncomingSubscriber subscriber)
    {
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }
    }

    public void Unsubscribe(IIncomingSubscriber subscriber)
    {
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscriber))];
        }
    }

    /// <summary>Waits until the connection is up (true) or has failed with no attempt due (false).</summary>
    public Task<bool> WaitUntilConnectedAsync(CancellationToken cancellationToken) => _supervisor.WaitUntilConnectedAsync(cancellationToken);

    /// <summary>Adds channels to the connection (reference-counted across providers); the socket joins them now if connected, and on every connect.</summary>
    public ValueTask JoinChannelsAsync(IEnumerable<string> channels)
    {
        _channels.Add(channels);
        return _queue.PumpAsync();
    }

    public ValueTask LeaveChannelsAsync(IEnumerable<string> channels)
    {
        _channels.Remove(channels);
        return _queue.PumpAsync();
    }

    /// <summary>
    /// Sends an event. Completes once written, or, with <see cref="OutgoingMessage.RequiresAck"/>, once acknowledged:
    /// an acknowledged message is written again after every reconnect until the server acknowledges it, and times
    /// out only while connected. Returns the error otherwise; never throws but for cancellation.
    /// </summary>
    public async ValueTask<WebSocketNotificationError?> SendAsync(OutgoingMessage message, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        if (!_supervisor.TryAdmit(out var refusal))
        {
            return refusal;
        }

        message.AcknowledgmentTimeout = ackTimeout;
        var pending = message.RequiresAck ? _queue.Pending.Add(message) : null;
        try
        {
            if (await EnqueueAndPumpAsync(message).ConfigureAwait(false) is { } error)
            {
                return error;
            }

            if (pending is null)
            {
                return await message.WhenCompletedAsync(cancellationToken).ConfigureAwait(false);
            }

            await (cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task).ConfigureAwait(false);
            ExternalTelemetry.Acknowledged.Add(1);
            return null;
        }
        catch (OperationCanceledException)
        {
            // No writer writes it any more.
            message.TryComplete(ExternalErrors.Cancelled);
            throw;
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
                _queue.Pending.Remove(pending);
                OnPendingRemoved(message.Id!);
            }
        }
    }

    /// <summary>Sends a request and waits for the response with the same id.</summary>
    public async ValueTask<JsonElement> QueryAsync(OutgoingMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_supervisor.TryAdmit(out var refusal))
        {
            throw new WebSocketNotificationException(refusal!);
        }

        var pending = _queue.Pending.Add(message);
        try
        {
            using var deadline = new CancellationTokenSource(timeout, TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            try
            {
                if (await EnqueueAndPumpAsync(message).ConfigureAwait(false) is { } error)
                {
                    throw new WebSocketNotificationException(error);
                }

                return await pending.Completion.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new WebSocketNotificationException(ExternalErrors.QueryTimeout(message.EventName, timeout));
            }
            finally
            {
                message.TryComplete(ExternalErrors.Cancelled);
            }
        }
        finally
        {
            // A late response finds nothing to complete and is ignored.
            _queue.Pending.Remove(pending);
            OnPendingRemoved(message.Id!);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _supervisor.Dispose();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _queue.FailAllAsync(ExternalErrors.Closed).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_run, _rotation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await CloseTransportAsync().ConfigureAwait(false);
        await _queue.DisposeAsync().ConfigureAwait(false);

        // Drops still held back by the throttle get a closing line rather than leave with the process.
        foreach (var reports in _droppedFrameReports.Values)
        {
            reports.Flush();
        }

        ExternalTelemetry.Untrack(this);
        _lifetime.Dispose();
    }

    async Task ISupervisedConnection.ConnectAsync(int attempt, CancellationToken cancellationToken)
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Options.Timeout), TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                var credentials = Volatile.Read(ref _credentials);
                await OpenAsync(await CreateRequestAsync(credentials.Options, attempt, linked.Token).ConfigureAwait(false), linked.Token).ConfigureAwait(false);

                // Before the supervisor says connected, so a rotation waiting for that sees which credentials it has.
                Volatile.Write(ref _socketCredentials, credentials.Version);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ConnectException(ExternalErrors.ConnectTimeout);
            }
        }

        await _queue.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    Task ISupervisedConnection.ReceiveAsync(CancellationToken cancellationToken) => ReceiveLoopAsync(cancellationToken);

    void ISupervisedConnection.OnDropped(WebSocketNotificationError reason)
    {
        _queue.Suspend(ExternalErrors.Lost);
        AbortTransport();
    }

    Task ISupervisedConnection.OnFailedAsync(WebSocketNotificationError error) => _queue.FailAllAsync(error);

    /// <summary>Opens the transport; throws <see cref="ConnectException"/> (or anything else, treated as retryable) on failure.</summary>
    protected abstract Task OpenAsync(ConnectionRequest request, CancellationToken cancellationToken);

    /// <summary>Runs until the open transport drops (returns or throws).</summary>
    protected abstract Task ReceiveLoopAsync(CancellationToken cancellationToken);

    /// <summary>Writes one message. Never called concurrently.</summary>
    protected abstract ValueTask WriteAsync(OutgoingMessage message, CancellationToken cancellationToken);

    protected abstract ValueTask CloseTransportAsync();

    /// <summary>Closes the current socket with the protocol's close handshake, so everything written before reaches the server; the receive loop then ends.</summary>
    protected abstract Task CloseForReconnectAsync(CancellationToken cancellationToken);

    /// <summary>An ack or query with this id is no longer awaited (answered, timed out or failed).</summary>
    protected virtual void OnPendingRemoved(string id)
    {
    }

    /// <summary>Tells the transport its socket is dead (a failed write, a missed heartbeat, …): the receive loop must end.</summary>
    protected abstract void AbortTransport();

    /// <summary>
    /// Hands an event to every subscriber, one after the other; completes late when one applies back-pressure (its
    /// incoming queue is full). When the server asked for an acknowledgment, <paramref name="acknowledge"/> sends it
    /// once every subscriber that took the event has it durably. An event nobody took is counted as dropped.
    /// </summary>
    protected async ValueTask DispatchAsync(IncomingFrame frame, Action? acknowledge)
    {
        var acknowledgment = acknowledge is null ? null : new IncomingAcknowledgment(acknowledge);
        var subscribers = Volatile.Read(ref _subscribers);
        var taken = false;
        var refused = false;
        foreach (var subscriber in subscribers)
        {
            var handing = subscriber.OnIncomingAsync(frame, acknowledgment);
            var outcome = handing.IsCompletedSuccessfully ? handing.Result : await handing.ConfigureAwait(false);
            taken |= outcome == IncomingOutcome.Taken;
            refused |= outcome == IncomingOutcome.Refused;
        }

        // Counted once, under what happened to it: "received" is only what was handed on. A refusal was logged by the
        // pipeline that refused it.
        if (taken)
        {
            ExternalTelemetry.Received.Add(1, _endpointTag);
        }
        else if (subscribers.Length == 0)
        {
            // Nobody listens on this connection (no provider receives): not an event anyone configured away.
            CountDropped("no-subscriber");
            if (_unheardReports.TryEnter(out var suppressed))
            {
                Log.EventWithoutSubscriber(Logger, frame.Event, Key.ToString(), suppressed + 1);
            }
        }
        else if (refused)
        {
            CountDropped("handling-queue-full");
        }
        else
        {
            // Configured away (subscribeToEvents): worth a Debug line, not a warning.
            CountDropped("not-subscribed");
            if (_notSubscribedReports.TryEnter(out var suppressed))
            {
                Log.EventNotSubscribed(Logger, frame.Event, Key.ToString(), suppressed + 1);
            }
        }

        acknowledgment?.Release();
    }

    /// <summary>Acknowledges an event the server sent with an id and asked to be acknowledged (native ws); written like any message, never waited for.</summary>
    protected void AcknowledgeIncoming(string id)
    {
        var ack = new OutgoingMessage(OutgoingKind.Ack, string.Empty, ReadOnlyMemory<byte>.Empty, id, requiresAck: false);
        if (_queue.Enqueue(ack) is null)
        {
            _ = _queue.PumpAsync().AsTask();
        }
    }

    /// <summary>Completes the pending ack or query with this id; unknown ids (late or foreign responses) are ignored.</summary>
    protected internal bool CompletePending(string id, JsonElement data) => _queue.Pending.TryComplete(id, data);

    /// <summary>This connection's endpoint, as its incoming counts are tagged.</summary>
    internal KeyValuePair<string, object?> EndpointTag => _endpointTag;

    protected void CountDropped(string reason) => ExternalTelemetry.CountDropped(reason, _endpointTag);

    /// <summary>Counts and logs an incoming frame that could not be used; the connection stays up.</summary>
    protected internal void DropFrame(string reason, string tag)
    {
        CountDropped(tag);

        // A server that sends garbage at will must not flood the log: the first of each kind, then one line per interval
        // with the count, also after the last one (a burst of oversized frames behind a burst of text is still reported).
        if (_droppedFrameReports.GetOrAdd(tag, static (kind, c) => c.DroppedFrameThrottle(kind), this).TryEnter(out var suppressed))
        {
            Log.FrameDropped(Logger, Key.ToString(), reason, suppressed + 1);
        }
    }

    /// <summary>Held-back drops are reported under their kind, the <c>reason</c> tag of the dropped-messages counter.</summary>
    private LogThrottle DroppedFrameThrottle(string kind)
    {
        var endpoint = Key.ToString();
        return new LogThrottle(TimeProvider, DroppedFrameInterval, held => Log.FrameDropped(Logger, endpoint, kind, held));
    }

    /// <summary>
    /// Queues a message and writes the queue if nobody else is. A message queued just as the connection gave up is
    /// failed here, so its sender never waits for an attempt nobody will make.
    /// </summary>
    private async ValueTask<WebSocketNotificationError?> EnqueueAndPumpAsync(OutgoingMessage message)
    {
        if (_queue.Enqueue(message) is { } full)
        {
            return full;
        }

        if (_supervisor.State is WebSocketConnectionState.Failed or WebSocketConnectionState.Disposed)
        {
            var error = _supervisor.State == WebSocketConnectionState.Disposed ? ExternalErrors.Closed : ExternalErrors.Down(_supervisor.Failure ?? ExternalErrors.Lost);
            if (message.TryComplete(error))
            {
                return error;
            }
        }

        await _queue.PumpAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Builds the connection request (url plus auth) for each attempt, so rotated or refreshed credentials are picked up.</summary>
    private async Task<ConnectionRequest> CreateRequestAsync(WebSocketProviderOptions credentials, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await _auth.CreateRequestAsync(credentials, _tenantId, _providerName, attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or WebSocketNotificationException or OutOfMemoryException))
        {
            // A token endpoint that is down fails this attempt only; the next one asks again.
            Log.AuthStrategyFailed(Logger, ex, Key.ToString());
            throw new ConnectException(ExternalErrors.ConnectFailed("the authentication strategy failed: " + ex.GetType().Name), ex);
        }
    }

    /// <summary>
    /// Replaces the socket once one is open, unless it was opened with the credentials of rotation
    /// <paramref name="version"/> or newer (the attempt after an earlier rotation's close, or after a drop, took them).
    /// </summary>
    private async Task ReplaceSocketAsync(long version)
    {
        try
        {
            // A connection that gave up has nothing to replace: its next attempt takes the newest credentials.
            if (!await _supervisor.WaitUntilConnectedAsync(Lifetime).ConfigureAwait(false) || SocketHas(version))
            {
                return;
            }

            await _queue.PauseAsync(GracefulCloseTimeout, Lifetime).ConfigureAwait(false);

            // Not connected now: the socket dropped while writing paused, and the attempt under way takes the newest
            // credentials and reopens the queue. (A socket that dropped and came back meanwhile is replaced again: the
            // queue is paused either way, and only a new socket reopens it.)
            if (!_supervisor.RequestReconnect())
            {
                return;
            }

            Log.ReconnectingForCredentials(Logger, Key.ToString());
            using var timeout = new CancellationTokenSource(GracefulCloseTimeout, TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, Lifetime);
            await CloseForReconnectAsync(linked.Token).ConfigureAwait(false);

            // The server answers the close handshake and the receive loop ends; a server that does not is cut off.
            await _supervisor.WhenNotConnectedAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            AbortTransport();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A socket that will not close politely is cut; the reconnect and the resends happen all the same.
            Log.WriteFailed(Logger, ex, Key.ToString());
            AbortTransport();
        }
    }

    private bool SocketHas(long version) => Volatile.Read(ref _socketCredentials) >= version;

    private void OnWriteFailed(Exception exception)
    {
        Log.WriteFailed(Logger, exception, Key.ToString());
        AbortTransport();
    }

    private OutgoingMessage ChannelMessage(OutgoingKind kind, string channel) =>
        new(kind, kind == OutgoingKind.Join ? Options.CustomEvents.Join : Options.CustomEvents.Leave, PayloadSerializer.Room(Options, channel), id: null, requiresAck: false);

    /// <summary>Credentials and how many rotations brought them (0: the ones the connection was made with).</summary>
    private sealed record RotatedCredentials(WebSocketProviderOptions Options, long Version);
}
