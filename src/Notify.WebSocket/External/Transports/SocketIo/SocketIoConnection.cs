using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Auth;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.Registry;
using SocketIOClient;
using SocketIOClient.Transport;

namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// The Socket.IO transport on SocketIOClient 3.0.6, hardened: one <see cref="SocketIO"/> per connection attempt with
/// the library's reconnection off (ours drives it, so there is never a second socket or a doubled handler), a cached
/// serializer, a <see cref="FrameGate"/> around the library's ack table, our own timeouts for acks and queries, and
/// a handshake rejection (<c>connect_error</c>) reported at once as an auth error instead of a silent non-connection.
/// </summary>
internal sealed class SocketIoConnection(
    ConnectionPoolKey key,
    WebSocketProviderOptions options,
    AuthStrategyResolver auth,
    TimeProvider timeProvider,
    ILogger logger,
    IReconnectionPolicy? policy = null,
    string? owner = null)
    : ExternalConnection(key, options, auth, timeProvider, logger, policy, owner)
{
    /// <summary>Ack ids of the packets we write ourselves start far above the library's own counter, which starts at 0.</summary>
    private const int FirstOwnAckId = 1 << 30;

    private readonly ConcurrentDictionary<int, (string MessageId, bool WantsResponse)> _ownAcks = new();
    private readonly ConcurrentDictionary<string, int> _ownAckIds = new(StringComparer.Ordinal);
    private Session? _session;
    private int _nextAckId = FirstOwnAckId;

    protected override async Task OpenAsync(ConnectionRequest request, CancellationToken cancellationToken)
    {
        var session = new Session(this, request);
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        Interlocked.Exchange(ref _session, session)?.Dispose();
    }

    protected override async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("Not connected.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchdog = WatchAsync(session, stop.Token);
        await Task.WhenAny(session.Disconnected, watchdog).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        session.Abandon();
    }

    protected override async ValueTask WriteAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("Not connected.");
        await session.EmitAsync(message, cancellationToken).ConfigureAwait(false);
    }

    protected override void AbortTransport() => _session?.Abandon();

    protected override async Task CloseForReconnectAsync(CancellationToken cancellationToken)
    {
        // Leaves the namespace politely (a disconnect packet after everything written), then ends the session.
        if (_session is { } session)
        {
            await session.CloseAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async ValueTask CloseTransportAsync()
    {
        if (Interlocked.Exchange(ref _session, null) is { } session)
        {
            await session.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(Session session, CancellationToken cancellationToken)
    {
        if (Options.HeartbeatInterval == 0)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider, cancellationToken).ConfigureAwait(false);
            return;
        }

        var period = TimeSpan.FromMilliseconds(Math.Max(100, Math.Min(Options.HeartbeatInterval, 1000)));
        while (true)
        {
            await Task.Delay(period, TimeProvider, cancellationToken).ConfigureAwait(false);
            if (session.Activity.SinceLastActivity > session.Activity.Deadline)
            {
                Log.HeartbeatMissed(Logger, Key.ToString(), (long)session.Activity.Deadline.TotalMilliseconds);
                return;
            }
        }
    }

    private void OnEvent(string eventName, SocketIOResponse response)
    {
        var data = response.Count > 0 ? response.GetValue(0).Clone() : default;

        // The server asked for an acknowledgment of its event: it is sent once the event is durable, off this thread
        // (the library's receive thread may be waiting for queue room right here).
        Action? acknowledge = response.PacketId >= 0
            ? () => _ = Task.Run(async () =>
            {
                try
                {
                    await response.CallbackAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The connection went away first; the server sends the event again.
                    Log.WriteFailed(Logger, ex, Key.ToString());
                }
            })
            : null;

        // The library calls this on its receive loop: waiting here when the incoming queue is full is the back-pressure.
        // Socket.IO has no message id of its own: the data's "id", when it has one, lets a resent event be recognized.
        var id = data.ValueKind == System.Text.Json.JsonValueKind.Object && data.TryGetProperty("id", out var idElement) && idElement.ValueKind == System.Text.Json.JsonValueKind.String
            ? idElement.GetString()
            : null;
        var dispatch = DispatchAsync(new IncomingFrame(eventName, data, id, ServerTimestamp: null, RequiresAck: acknowledge is not null), acknowledge);
        if (!dispatch.IsCompletedSuccessfully)
        {
            dispatch.AsTask().GetAwaiter().GetResult();
        }
    }

    protected override void OnPendingRemoved(string id)
    {
        if (_ownAckIds.TryRemove(id, out var ackId))
        {
            _ownAcks.TryRemove(ackId, out _);
        }
    }

    /// <summary>True when the ack was for a packet we wrote: the library must not see it. Only a query's response is parsed.</summary>
    private bool TryCompleteOwnAck(int ackId, ReadOnlySpan<byte> arguments)
    {
        if (ackId < FirstOwnAckId)
        {
            return false;
        }

        if (_ownAcks.TryRemove(ackId, out var own))
        {
            _ownAckIds.TryRemove(own.MessageId, out _);
            CompletePending(own.MessageId, own.WantsResponse ? SocketIoPacketWriter.FirstArgument(arguments) : default);
        }

        return true;
    }

    private int RegisterOwnAck(string messageId, bool wantsResponse)
    {
        var id = Interlocked.Increment(ref _nextAckId);
        if (id < FirstOwnAckId)
        {
            // Wrapped after two billion acks: start the range again.
            Interlocked.CompareExchange(ref _nextAckId, FirstOwnAckId, id);
            id = Interlocked.Increment(ref _nextAckId);
        }

        // A message sent again after a reconnect gets a new packet id; the old one can no longer be answered.
        if (_ownAckIds.TryGetValue(messageId, out var previous))
        {
            _ownAcks.TryRemove(previous, out _);
        }

        _ownAcks[id] = (messageId, wantsResponse);
        _ownAckIds[messageId] = id;
        return id;
    }

    private static JsonElement FirstValue(SocketIOResponse response) => response.Count > 0 ? response.GetValue(0).Clone() : default;

    private static Uri WithoutQuery(Uri uri) => new UriBuilder(uri) { Query = string.Empty }.Uri;

    /// <summary>Everything that belongs to one connection attempt, thrown away whole when it ends.</summary>
    private sealed class Session : IDisposable
    {
        private readonly SocketIoConnection _owner;
        private readonly SocketIO _socket;
        private readonly FrameGate _gate = new();
        private readonly CancellationTokenSource _abandoned = new();
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HttpClient _http;
        private GatedClientWebSocket? _webSocket;
        private int _disposed;

        public Session(SocketIoConnection owner, ConnectionRequest request)
        {
            _owner = owner;
            var options = owner.Options;
            Activity = new ActivityMonitor(owner.TimeProvider, TimeSpan.FromMilliseconds(options.HeartbeatInterval + options.HeartbeatTimeout));
            var websocket = options.Transports.Contains("websocket", StringComparer.OrdinalIgnoreCase);
            var polling = options.Transports.Contains("polling", StringComparer.OrdinalIgnoreCase);
            var query = request.Url.Query.TrimStart('?')
                .Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .Select(parts => KeyValuePair.Create(parts[0], parts.Length > 1 ? parts[1] : string.Empty))
                .Concat(request.QueryParameters.Select(p => KeyValuePair.Create(Uri.EscapeDataString(p.Key), Uri.EscapeDataString(p.Value))))
                .ToList();

            _socket = new SocketIO(WithoutQuery(request.Url), new SocketIOOptions
            {
                Path = options.Path,
                EIO = 4,
                Reconnection = false,
                ConnectionTimeout = TimeSpan.FromMilliseconds(options.Timeout),
                Query = query.Count > 0 ? query : null,
                ExtraHeaders = request.Headers.Count > 0 ? new Dictionary<string, string>(request.Headers) : null,
                Auth = request.AuthPayload.Count > 0 ? new Dictionary<string, object?>(request.AuthPayload) : null,
                Transport = websocket && !polling ? TransportProtocol.WebSocket : TransportProtocol.Polling,
                AutoUpgrade = websocket && polling,
            });
            _socket.HttpClient.Dispose();
            _http = new HttpClient(new PollingGateHandler(_gate, Activity, Refused, _abandoned.Token) { InnerHandler = new SocketsHttpHandler() });
            _socket.HttpClient = _http;
            _socket.JsonSerializer = SocketIoJsonSerializer.Instance;
            _socket.ClientWebSocketProvider = () =>
            {
                _webSocket?.Dispose();
                return _webSocket = new GatedClientWebSocket(_gate, Activity, options, owner.DropFrame, owner.TryCompleteOwnAck, Refused, _abandoned.Token);
            };
            _socket.OnConnected += (_, _) => _connected.TrySetResult();
            _socket.OnError += (_, message) => OnServerError(message);
            _socket.OnDisconnected += (_, _) => _disconnected.TrySetResult();
            _socket.OnAny(owner.OnEvent);
        }

        public ActivityMonitor Activity { get; }

        public Task Disconnected => _disconnected.Task;

        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            // A refusal (HTTP 401/403, or connect_error) ends the attempt at once, as the refusal: the library would
            // otherwise go on polling or wait for its connection timeout.
            var opening = _socket.ConnectAsync();
            try
            {
                await Task.WhenAny(opening, _connected.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (!_connected.Task.IsFaulted)
                {
                    await opening.ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!_connected.Task.IsFaulted && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                throw new ConnectException(ExternalErrors.ConnectFailed(ex.GetBaseException().Message), ex);
            }
            catch (Exception) when (_connected.Task.IsFaulted)
            {
                // Refused: the refusal below is the reason.
            }

            if (_connected.Task.IsFaulted)
            {
                _ = opening.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            // The library's ConnectAsync returns once the transport is open; the namespace connect (or its
            // rejection, connect_error) comes after.
            await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask EmitAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            // On the websocket transport, events, acks and queries are written and correlated by us; joins and the
            // polling transport go through the library.
            if (message.Kind is OutgoingKind.Event or OutgoingKind.Query && _webSocket is { IsOpen: true } webSocket)
            {
                var query = message.Kind == OutgoingKind.Query;
                int? ackId = message.RequiresAck || query ? _owner.RegisterOwnAck(message.Id!, wantsResponse: query) : null;
                return webSocket.SendEventAsync(_socket.Namespace, ackId, message.EventName, message.Data, cancellationToken);
            }

            return EmitThroughLibraryAsync(message, cancellationToken);
        }

        private async ValueTask EmitThroughLibraryAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandoned.Token);
            await _gate.EnterAsync(linked.Token).ConfigureAwait(false);
            Task emit;
            try
            {
                var data = new RawJson(message.Data);
                emit = message switch
                {
                    { Kind: OutgoingKind.Join or OutgoingKind.Leave } => _socket.EmitAsync(message.EventName, linked.Token, _ => { }, data),
                    { Kind: OutgoingKind.Query } or { RequiresAck: true } => _socket.EmitAsync(
                        message.EventName, linked.Token, response => _owner.CompletePending(message.Id!, FirstValue(response)), data),
                    _ => _socket.EmitAsync(message.EventName, linked.Token, data),
                };
            }
            finally
            {
                _gate.Exit();
            }

            await emit.ConfigureAwait(false);
        }

        public void Abandon()
        {
            if (!_abandoned.IsCancellationRequested)
            {
                _abandoned.Cancel();
            }

            _webSocket?.Abort();
            _disconnected.TrySetResult();
        }

        public async Task CloseAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.DisconnectAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Leaving politely is a courtesy; the session is thrown away either way.
            }

            Dispose();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            Abandon();
            try
            {
                _socket.Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // SocketIOClient 3.0.6 throws from Dispose when it never connected.
            }

            _webSocket?.Dispose();
            _http.Dispose();
            _abandoned.Dispose();
            _gate.Dispose();
        }

        private void Refused(int status) =>
            _connected.TrySetException(new ConnectException(ExternalErrors.Unauthorized(status)));

        private void OnServerError(string message)
        {
            // Before the namespace connect, an error is the handshake's rejection (connect_error): no retry.
            if (!_connected.Task.IsCompleted)
            {
                // The reference server's answer for a namespace it does not have: a wrong url path, not a credential.
                _connected.TrySetException(new ConnectException(message == "Invalid namespace"
                    ? new WebSocketNotificationError(WebSocketErrorCodes.ConnectionError, "WebSocket error: the server has no such namespace (Invalid namespace); the url's path names the Socket.IO namespace (\"/\" when it has none), check it", Retryable: false)
                    : new WebSocketNotificationError(WebSocketErrorCodes.AuthError, $"WebSocket error: the server refused the connection ({message})", Retryable: false)));
            }
            else
            {
                Log.ServerError(_owner.Logger, _owner.Key.ToString(), message);
            }
        }
    }
}
