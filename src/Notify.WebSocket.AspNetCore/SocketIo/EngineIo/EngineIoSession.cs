using NetWebSocket = System.Net.WebSockets.WebSocket;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>
/// One Engine.IO session: its transport (long-polling, or a WebSocket, possibly upgraded to from polling), the packets
/// waiting to be written, and the heartbeat. Everything the server writes goes through <see cref="Send(ReadOnlySpan{EngineFrame})"/>: on a
/// WebSocket the first writer writes at once (usually synchronously) and later packets queue behind it, so one frame
/// object can be handed to every member of a broadcast without copying; on polling they wait for the next GET.
/// State changes happen under one lock; nothing is awaited while it is held.
/// </summary>
internal sealed partial class EngineIoSession
{
    private readonly Lock _gate = new();
    private readonly EngineIoServer _server;
    private Queue<EngineFrame>? _queue;
    private ITimer? _heartbeat;
    private bool _awaitingPong;
    private long _pongDeadline;
    private NetWebSocket? _socket;
    private bool _writing;
    private bool _isClosed;

    /// <summary>
    /// Closed by the server after a flush while on polling, the client not reached yet: the session stays in the table
    /// for the client's GETs (what is left, then <c>close</c> in a payload of its own) or, mid-upgrade, the probe's
    /// <c>5</c> (what is left goes out on the WebSocket, which then closes), until the linger timer forgets it.
    /// </summary>
    private bool _lingering;

    public EngineIoSession(EngineIoServer server, string id, NetWebSocket? socket)
    {
        _server = server;
        Id = id;
        _socket = socket;
    }

    /// <summary>The session id (<c>sid</c>).</summary>
    public string Id { get; }

    /// <summary>The handler's own state for this session (the Socket.IO client).</summary>
    public object? State { get; set; }

    /// <summary>
    /// The session's lock, which the objects living as long as the session (the Socket.IO client and its sockets) share
    /// for their own small state: one lock object per connection instead of one each. Never held while awaiting.
    /// </summary>
    public Lock Gate => _gate;

    /// <summary>Whether a ping went out and its pong has not come yet.</summary>
    public bool AwaitingPong
    {
        get
        {
            lock (_gate)
            {
                return _awaitingPong;
            }
        }
    }

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _isClosed;
            }
        }
    }

    /// <summary>Whether the session is on a WebSocket now (from the start, or upgraded).</summary>
    public bool IsWebSocket => Volatile.Read(ref _socket) is not null;

    private Queue<EngineFrame> Queue => _queue ??= new Queue<EngineFrame>();

    /// <summary>Starts the heartbeat: a ping every ping interval, and the session closes when a pong is late.</summary>
    public void StartHeartbeat()
    {
        var settings = _server.Settings;
        _heartbeat = _server.TimeProvider.CreateTimer(static s => ((EngineIoSession)s!).OnHeartbeat(), this, settings.PingInterval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Queues or writes one packet; a no-op once closed. A client that lets too many pile up is closed.</summary>
    public void Send(EngineFrame frame) => Send(new ReadOnlySpan<EngineFrame>(in frame));

    /// <summary>
    /// Queues or writes packets that must stay together (a Socket.IO packet and its binary attachments); a no-op once
    /// closed. A client that lets too many pile up is closed.
    /// </summary>
    public void Send(ReadOnlySpan<EngineFrame> frames)
    {
        if (frames.IsEmpty)
        {
            return;
        }

        var startWriter = false;
        var overflow = false;
        TaskCompletionSource<PollSignal>? poll = null;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            var direct = _socket is not null && !_upgrading;
            if ((_queue?.Count ?? 0) + frames.Length > _server.Settings.MaxBufferedFrames)
            {
                overflow = true;
            }
            else
            {
                var rest = frames;
                if (direct && !_writing)
                {
                    _writing = startWriter = true;
                    rest = frames[1..];
                }

                foreach (var frame in rest)
                {
                    Queue.Enqueue(frame);
                }

                if (!direct)
                {
                    poll = TakePoll();
                }
            }
        }

        if (overflow)
        {
            _server.Diagnostics.ProtocolError("client too slow: write buffer full", Id);
            Close("transport buffer full", clientInitiated: false);
            return;
        }

        poll?.TrySetResult(PollSignal.Packets);
        if (startWriter)
        {
            _ = WriteLoopAsync(frames[0]);
        }
    }

    /// <summary>
    /// Closes the session at once, dropping what was not written yet (errors, timeouts, the client's own close): the
    /// pending GET gets <c>noop</c> (client close) or <c>close</c>, a WebSocket is closed.
    /// </summary>
    /// <param name="reason">Why, for the handler.</param>
    /// <param name="clientInitiated">The client sent <c>close</c> or closed its transport.</param>
    public void Close(string reason, bool clientInitiated) => Close(reason, clientInitiated, flush: false);

    /// <summary>
    /// Closes the session after what was sent before reaches the client (the server's own close, after a last event):
    /// the WebSocket closes once its queue drained; a polling client gets the waiting packets, then <c>close</c>, on its
    /// GETs (within one heartbeat) or, when the close comes mid-upgrade, on the WebSocket after its <c>5</c>.
    /// </summary>
    public void CloseAfterFlush(string reason) => Close(reason, clientInitiated: false, flush: true);

    private void Close(string reason, bool clientInitiated, bool flush)
    {
        TaskCompletionSource<PollSignal>? poll;
        NetWebSocket? socket;
        NetWebSocket? probe;
        ITimer? heartbeat;
        bool closeSocketNow;
        bool linger;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            poll = TakePoll();
            socket = _socket;
            if (!flush)
            {
                _queue = null;
            }

            closeSocketNow = socket is not null && !(flush && _writing);

            // On polling the close goes out alone, after what is left (as the reference server does): socket.io-client
            // handles a payload's packets a tick after its close, so an event that came with the close would be dropped
            // (the socket is disconnected by then). So unless a waiting GET can take the close now, the session lingers.
            // Once the probe was answered it must stay open: on 3probe engine.io-client pauses its polling for good
            // (after the GET it may still have out) and moves to the probe with its "5"; closing the probe here would
            // leave it with no transport at all.
            linger = _lingering = flush && socket is null && (poll is null || _queue is { Count: > 0 });
            probe = linger && _upgrading ? null : TakeProbe();
            heartbeat = _heartbeat;
            _heartbeat = linger
                ? _server.TimeProvider.CreateTimer(static s => ((EngineIoSession)s!).Forget(), this, _server.Settings.PingInterval + _server.Settings.PingTimeout, Timeout.InfiniteTimeSpan)
                : null;
        }

        poll?.TrySetResult(clientInitiated ? PollSignal.Noop : linger ? PollSignal.Packets : PollSignal.Close);
        heartbeat?.Dispose();
        if (!linger)
        {
            _server.Remove(this);
        }

        if (closeSocketNow)
        {
            _ = CloseSocketAsync(socket!);
        }
        else if (socket is not null)
        {
            _ = CloseWhenStuckAsync(socket);
        }

        if (probe is not null)
        {
            _ = CloseSocketAsync(probe);
        }

        _server.OnClosed(this, reason);
    }

    /// <summary>The linger timer: the client did not come back for what was left; forgotten (and its probe closed).</summary>
    private void Forget()
    {
        NetWebSocket? probe;
        ITimer? timer;
        lock (_gate)
        {
            if (!_lingering)
            {
                return;
            }

            _lingering = false;
            _queue = null;
            probe = TakeProbe();
            timer = TakeTimer();
        }

        EndLinger(probe, timer);
    }

    /// <summary>A lingering session is over (the client took the rest, or never came back): out of the table, its probe closed.</summary>
    private void EndLinger(NetWebSocket? probe, ITimer? timer)
    {
        timer?.Dispose();
        _server.Remove(this);
        if (probe is not null)
        {
            _ = CloseSocketAsync(probe);
        }
    }

    /// <summary>Called on every request of the session: a pong that is overdue ends it now, even if its timer has not fired yet.</summary>
    /// <returns>Whether the session is still open.</returns>
    private bool CheckAlive()
    {
        bool expired;
        lock (_gate)
        {
            if (_isClosed)
            {
                return false;
            }

            expired = _awaitingPong && _server.TimeProvider.GetTimestamp() >= _pongDeadline;
        }

        if (expired)
        {
            Close("ping timeout", clientInitiated: false);
        }

        return !expired;
    }

    private void OnHeartbeat()
    {
        bool timedOut;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            timedOut = _awaitingPong;
            if (!timedOut)
            {
                var timeout = _server.Settings.PingTimeout;
                _awaitingPong = true;
                _pongDeadline = _server.TimeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * _server.TimeProvider.TimestampFrequency);
                _heartbeat?.Change(timeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (timedOut)
        {
            Close("ping timeout", clientInitiated: false);
        }
        else
        {
            Send(EngineFrame.Ping);
        }
    }

    private void OnPong()
    {
        lock (_gate)
        {
            if (_isClosed || !_awaitingPong)
            {
                return;
            }

            _awaitingPong = false;
            _heartbeat?.Change(_server.Settings.PingInterval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Handles one Engine.IO packet from the client (either transport): control packets here, messages to the handler.</summary>
    /// <returns>False when the packet was invalid and the session is closed.</returns>
    private async ValueTask<bool> OnPacketAsync(ReadOnlyMemory<byte> packet, bool isBinary)
    {
        if (isBinary)
        {
            await _server.DispatchAsync(this, packet, isBinary: true).ConfigureAwait(false);
            return true;
        }

        if (packet.IsEmpty)
        {
            return Fail("empty packet");
        }

        switch (packet.Span[0])
        {
            case EngineIoPacketType.Message:
                await _server.DispatchAsync(this, packet[1..], isBinary: false).ConfigureAwait(false);
                return true;
            case EngineIoPacketType.Pong when packet.Length == 1:
                OnPong();
                return true;
            case EngineIoPacketType.Close when packet.Length == 1:
                Close("client close", clientInitiated: true);
                return false;
            case EngineIoPacketType.Noop when packet.Length == 1:
                return true;
            default:
                // open, upgrade outside an upgrade, pings (a v4 client never pings but to probe), unknown types.
                return Fail("invalid Engine.IO packet");
        }
    }

    private bool Fail(string reason)
    {
        _server.Diagnostics.ProtocolError(reason, Id);
        Close(reason, clientInitiated: false);
        return false;
    }

    private TaskCompletionSource<PollSignal>? TakePoll()
    {
        var poll = _poll;
        _poll = null;
        return poll;
    }

    /// <summary>Ends the upgrade attempt in the session's state (under the lock); returns the probe, for the caller to close.</summary>
    private NetWebSocket? TakeProbe()
    {
        var probe = _probe;
        _probe = null;
        _upgrading = false;
        return probe;
    }

    private ITimer? TakeTimer()
    {
        var timer = _heartbeat;
        _heartbeat = null;
        return timer;
    }
}
