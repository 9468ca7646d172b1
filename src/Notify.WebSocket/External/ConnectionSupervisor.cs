using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.External;

/// <summary>
/// The state machine and reconnection loop of a pooled connection. It connects, reads until the socket drops, and
/// reconnects with the reconnection policy's delays. When the policy gives up (or the server refuses the
/// credentials, or reconnection is off), the connection is <see cref="WebSocketConnectionState.Failed"/> but not
/// dead: the next send, query or validation tries again once the last attempt is at least
/// <c>maxReconnectionDelay</c> old, and while someone listens on the connection it tries again by itself at that
/// pace, so it comes back when the server does, without a tight loop.
/// </summary>
internal sealed class ConnectionSupervisor
{
    /// <summary>Attempts after giving up are never closer together than this, even with <c>maxReconnectionDelay: 0</c>.</summary>
    private static readonly TimeSpan MinimumRecoveryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How early a timer may wake by the clock's own timestamps (timers count whole milliseconds, timestamps do not): a
    /// recovery timer this close to due is due, and one woken earlier waits for what is left, never for another interval.
    /// </summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(16);

    private readonly Lock _gate = new();
    private readonly Lock _deliveryGate = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<ConnectionTransition> _undelivered = new();
    private readonly ISupervisedConnection _connection;
    private readonly IReconnectionPolicy _policy;
    private readonly WebSocketProviderOptions _options;
    private readonly TimeSpan _recoveryInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private TaskCompletionSource _stateChanged = NewSignal();
    private TaskCompletionSource _recoveryRequested = NewSignal();
    private WebSocketConnectionState _state = WebSocketConnectionState.Connecting;
    private WebSocketNotificationError? _failure;
    private long _lastAttempt;
    private int _reconnectRequested;
    private int _credentialsChanged;

    public ConnectionSupervisor(ISupervisedConnection connection, IReconnectionPolicy policy, WebSocketProviderOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _connection = connection;
        _policy = policy;
        _options = options;
        _recoveryInterval = TimeSpan.FromMilliseconds(Math.Max(options.MaxReconnectionDelay, MinimumRecoveryInterval.TotalMilliseconds));
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Every change of state, raised after the change; handlers must not block.</summary>
    public event Action<ConnectionTransition>? Transitioned;

    public WebSocketConnectionState State => _state;

    /// <summary>Why the connection last dropped or failed.</summary>
    public WebSocketNotificationError? Failure => _failure;

    /// <summary>
    /// Whether work may be queued now. While <see cref="WebSocketConnectionState.Failed"/>, a due attempt is started
    /// and the work waits for it; otherwise <paramref name="refusal"/> says why, and when the next attempt is due.
    /// </summary>
    public bool TryAdmit(out WebSocketNotificationError? refusal)
    {
        lock (_gate)
        {
            refusal = _state switch
            {
                WebSocketConnectionState.Disposed => ExternalErrors.Closed,
                WebSocketConnectionState.Failed when !TryStartRecoveryLocked(out var wait) => ExternalErrors.Down(_failure!, wait),
                _ => null,
            };
        }

        DeliverTransitions();
        return refusal is null;
    }

    /// <summary>Waits until the connection is up (true) or has failed with no attempt due (false); a due attempt is started.</summary>
    public async Task<bool> WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            bool? outcome = null;
            lock (_gate)
            {
                switch (_state)
                {
                    case WebSocketConnectionState.Connected:
                        outcome = true;
                        break;
                    case WebSocketConnectionState.Disposed:
                    case WebSocketConnectionState.Failed when !TryStartRecoveryLocked(out _):
                        outcome = false;
                        break;
                }

                changed = _stateChanged.Task;
            }

            DeliverTransitions();
            if (outcome is { } done)
            {
                return done;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks for a new socket (new credentials) before closing the current one: when connected, true, and the drop that
    /// follows is answered by an immediate attempt, not a backoff; otherwise false (no socket to close).
    /// </summary>
    public bool RequestReconnect()
    {
        lock (_gate)
        {
            if (_state != WebSocketConnectionState.Connected)
            {
                return false;
            }

            Volatile.Write(ref _reconnectRequested, 1);
            return true;
        }
    }

    /// <summary>
    /// The credentials changed: when the connection gave up, an attempt starts now (they may be what it lacked); when an
    /// attempt is under way, its failure is followed by another attempt at once, with them (a server that takes only the
    /// newest token refuses the one the attempt was made with, and that refusal says nothing of the new one).
    /// </summary>
    public void CredentialsChanged()
    {
        lock (_gate)
        {
            if (_state == WebSocketConnectionState.Failed)
            {
                TryStartRecoveryLocked(out _, force: true);
            }
            else if (_state != WebSocketConnectionState.Connected)
            {
                Volatile.Write(ref _credentialsChanged, 1);
            }
        }

        DeliverTransitions();
    }

    /// <summary>Waits until the connection is no longer <see cref="WebSocketConnectionState.Connected"/>.</summary>
    public async Task WhenNotConnectedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_state != WebSocketConnectionState.Connected)
                {
                    return;
                }

                changed = _stateChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the connection disposed; the loop ends when <c>lifetime</c> is cancelled.</summary>
    public void Dispose() => SetState(new ConnectionTransition(WebSocketConnectionState.Disposed, Error: ExternalErrors.Closed));

    public async Task RunAsync(CancellationToken lifetime)
    {
        var attempt = 0;
        var droppedAt = _timeProvider.GetTimestamp();
        var everConnected = false;
        var recovering = false;
        while (true)
        {
            WebSocketNotificationError error;
            var refused = false;
            var connected = false;
            lock (_gate)
            {
                _lastAttempt = _timeProvider.GetTimestamp();
                Volatile.Write(ref _credentialsChanged, 0);
            }

            try
            {
                await _connection.ConnectAsync(attempt + 1, lifetime).ConfigureAwait(false);
                connected = true;
                SetState(new ConnectionTransition(WebSocketConnectionState.Connected));
                Log.Connected(_logger, _connection.Endpoint);
                if (everConnected)
                {
                    ExternalTelemetry.Reconnects.Add(1);
                }

                everConnected = true;
                attempt = 0;
                recovering = false;
                await _connection.ReceiveAsync(lifetime).ConfigureAwait(false);
                error = ExternalErrors.Lost;
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (ConnectException ex)
            {
                error = ex.Error;
                refused = !ex.Error.Retryable;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error = ExternalErrors.ConnectFailed(ex.GetBaseException().Message);
            }

            if (lifetime.IsCancellationRequested)
            {
                return;
            }

            _connection.OnDropped(error);
            if (connected && Interlocked.Exchange(ref _reconnectRequested, 0) == 1)
            {
                // A socket closed on purpose (rotated credentials) is replaced at once, with no backoff.
                SetState(new ConnectionTransition(WebSocketConnectionState.Reconnecting, Delay: TimeSpan.Zero));
                continue;
            }

            if (!connected && Interlocked.Exchange(ref _credentialsChanged, 0) == 1)
            {
                Log.AttemptWithReplacedCredentialsFailed(_logger, _connection.Endpoint, error.Message);
                SetState(new ConnectionTransition(WebSocketConnectionState.Reconnecting, Delay: TimeSpan.Zero, Error: error));
                continue;
            }

            if (connected)
            {
                Log.Disconnected(_logger, _connection.Endpoint, error.Message);
            }

            if (attempt == 0)
            {
                droppedAt = _timeProvider.GetTimestamp();
            }

            if (NextDelay(error, refused, recovering, attempt, droppedAt) is { } delay)
            {
                attempt++;

                // The timer exists before anyone hears of the attempt: a clock advanced on that news must reach it.
                var backoff = Task.Delay(delay, _timeProvider, lifetime);
                SetState(new ConnectionTransition(WebSocketConnectionState.Reconnecting, attempt, delay, error));
                Log.Reconnecting(_logger, _connection.Endpoint, attempt, (long)delay.TotalMilliseconds);
                try
                {
                    await backoff.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (!refused && !recovering && _options.Reconnection)
            {
                // The policy gave up: the default one by reconnectionAttempts, a host's own by its own rule.
                if (_policy is ExponentialBackoffPolicy)
                {
                    error = ExternalErrors.MaxAttempts(_options.ReconnectionAttempts);
                    Log.MaxReconnectionAttempts(_logger, _options.ReconnectionAttempts, _connection.Endpoint);
                }
                else
                {
                    error = ExternalErrors.PolicyGaveUp(attempt);
                    Log.ReconnectionPolicyGaveUp(_logger, _connection.Endpoint, attempt);
                }
            }

            SetState(new ConnectionTransition(WebSocketConnectionState.Failed, Error: error));
            await _connection.OnFailedAsync(ExternalErrors.Down(error)).ConfigureAwait(false);
            try
            {
                await WaitForRecoveryAsync(lifetime).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            recovering = true;
            attempt = 0;
            Log.Recovering(_logger, _connection.Endpoint, error.Message);
        }
    }

    private TimeSpan? NextDelay(WebSocketNotificationError error, bool refused, bool recovering, int attempt, long droppedAt)
    {
        if (refused)
        {
            Log.ConnectRefused(_logger, _connection.Endpoint, error.Message);
            return null;
        }

        // One attempt per recovery: its failure waits for the next one rather than starting a new backoff cycle.
        if (recovering || !_options.Reconnection)
        {
            return null;
        }

        TimeSpan? delay;
        try
        {
            delay = _policy.NextReconnectionDelay(new ReconnectionContext
            {
                PreviousAttempts = attempt,
                ElapsedTime = _timeProvider.GetElapsedTime(droppedAt),
                Reason = error,
                Endpoint = _connection.Endpoint,
                Options = _options,
            });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A policy that throws cannot be trusted with the next delay: the default decides instead.
            Log.ReconnectionPolicyFailed(_logger, ex, _connection.Endpoint);
            delay = ExponentialBackoffPolicy.From(_options).NextDelay(attempt);
        }

        return delay is { } d && d < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    /// <summary>
    /// Returns when an attempt is due: asked for by a send (<see cref="TryAdmit"/>), or, while someone listens on the
    /// connection and reconnection is on, once the last attempt is <c>maxReconnectionDelay</c> old.
    /// </summary>
    private async Task WaitForRecoveryAsync(CancellationToken lifetime)
    {
        var nextCheck = TimeSpan.Zero;
        while (true)
        {
            Task requested;
            TimeSpan wait;
            lock (_gate)
            {
                requested = _recoveryRequested.Task;
                wait = nextCheck > TimeSpan.Zero ? nextCheck : _recoveryInterval - _timeProvider.GetElapsedTime(_lastAttempt);
            }

            if (!requested.IsCompleted && wait > TimeSpan.Zero)
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
                var timer = Task.Delay(wait, _timeProvider, stop.Token);
                await Task.WhenAny(requested, timer).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                lifetime.ThrowIfCancellationRequested();
            }

            lock (_gate)
            {
                if (_recoveryRequested.Task.IsCompleted)
                {
                    _recoveryRequested = NewSignal();
                    return;
                }

                if (_options.Reconnection && _connection.WantsConnection)
                {
                    if (TryStartRecoveryLocked(out var remaining, slack: TimerSlack))
                    {
                        _recoveryRequested = NewSignal();
                        break;
                    }

                    nextCheck = remaining;
                    continue;
                }
            }

            // Nobody listens: look again after another interval (a send still starts an attempt at once when due).
            nextCheck = _recoveryInterval;
        }

        DeliverTransitions();
    }

    /// <summary>
    /// Starts an attempt when the last one is old enough, give or take <paramref name="slack"/> (or <paramref name="force"/>);
    /// otherwise says how long until it is.
    /// </summary>
    private bool TryStartRecoveryLocked(out TimeSpan wait, bool force = false, TimeSpan slack = default)
    {
        wait = force ? TimeSpan.Zero : _recoveryInterval - _timeProvider.GetElapsedTime(_lastAttempt);
        if (_state != WebSocketConnectionState.Failed || wait > slack)
        {
            return _state != WebSocketConnectionState.Failed;
        }

        _recoveryRequested.TrySetResult();
        SetStateLocked(new ConnectionTransition(WebSocketConnectionState.Reconnecting, Attempt: 1, Delay: TimeSpan.Zero, Error: _failure));
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void SetState(ConnectionTransition transition)
    {
        lock (_gate)
        {
            SetStateLocked(transition);
        }

        DeliverTransitions();
    }

    /// <summary>Changes the state under the lock; the transition is delivered to handlers by <see cref="DeliverTransitions"/>, after the lock.</summary>
    private void SetStateLocked(ConnectionTransition transition)
    {
        if (_state == WebSocketConnectionState.Disposed)
        {
            return;
        }

        _state = transition.State;
        _failure = transition.Error ?? _failure;
        _stateChanged.TrySetResult();
        _stateChanged = NewSignal();
        if (Transitioned is not null)
        {
            _undelivered.Enqueue(transition);
        }
    }

    /// <summary>
    /// Hands queued transitions to the handlers, in the order they happened, never while the state lock is held. Any
    /// thread that changed the state calls it; whichever gets the delivery lock delivers everything queued so far.
    /// </summary>
    private void DeliverTransitions()
    {
        while (!_undelivered.IsEmpty)
        {
            lock (_deliveryGate)
            {
                while (_undelivered.TryDequeue(out var transition))
                {
                    try
                    {
                        Transitioned?.Invoke(transition);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        Log.StateHandlerFailed(_logger, ex, _connection.Endpoint);
                    }
                }
            }
        }
    }
}
