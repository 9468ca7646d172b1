using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.External;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket;

/// <summary>
/// The durable side of internal mode with the notification inbox on: stores every notification in its stream before
/// it is delivered, in group commits (sends made while a batch commits share the next one, so storing does not
/// serialize them), and hands each committed batch, in order, to its listeners (the gateways), which deliver it. For
/// gateway authors: the built-in gateways use it; a gateway of your own appends here and follows streams with
/// <see cref="ReadAsync"/> to replay.
/// </summary>
public sealed class NotificationJournal : IAsyncDisposable
{
    /// <summary>How long disposal waits for the store to finish what it holds before cancelling it.</summary>
    internal static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly Channel<Pending> _pending;
    private readonly NotificationInboxOptions _options;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _provider;
    private readonly LogThrottle _failureLog;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private readonly Channel<(List<Pending> Batch, IReadOnlyList<AppendOutcome> Outcomes)> _stored =
        Channel.CreateBounded<(List<Pending>, IReadOnlyList<AppendOutcome>)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly LoopWakeup _pendingWakeup = new();
    private readonly InboxChangeOrder _changeOrder = new();
    private readonly Task _loop;
    private readonly Task _handOff;
    private Task? _initialized;
    private INotificationJournalListener[] _listeners = [];
    private int _disposed;
    private int _queuedHandOffs;

    internal NotificationJournal(INotificationStore store, string provider, NotificationInboxOptions options, JsonSerializerOptions json, TimeProvider timeProvider, ILogger<NotificationJournal> logger)
    {
        Store = store;
        _provider = provider;
        _options = options;
        _json = json;
        _timeProvider = timeProvider;
        _logger = logger;
        _failureLog = new LogThrottle(timeProvider, TimeSpan.FromSeconds(10));
        _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.MaxBatchSize * 16) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(WriteLoopAsync);
        _handOff = Task.Run(HandOffLoopAsync);
    }

    /// <summary>The store underneath.</summary>
    internal INotificationStore Store { get; }

    /// <summary>How many inbox changes wait for an earlier change of their user to be published (for tests).</summary>
    internal int ChangesWaiting => _changeOrder.Waiting;

    /// <summary>
    /// Stores a notification in its stream and returns it stamped with its position, once the batch holding it has
    /// committed and the listeners have had it. A notification whose id its stream already has is not stored again: the
    /// stored position comes back.
    /// </summary>
    /// <param name="stream">The stream (the user or channel it is sent to).</param>
    /// <param name="payload">The notification.</param>
    /// <param name="cancellationToken">
    /// Stops waiting. A notification already handed to a batch may still be stored: retry with the same id, which is
    /// stored once.
    /// </param>
    /// <returns>The stored notification.</returns>
    /// <exception cref="WebSocketNotificationException">
    /// <see cref="WebSocketErrorCodes.StoreUnavailable"/> (retryable) when the store failed: nothing of it was stored;
    /// <see cref="WebSocketErrorCodes.SerializationError"/> when its data cannot be written as JSON.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The journal was disposed.</exception>
    public async ValueTask<JournalEntry> AppendAsync(NotificationStreamId stream, NotificationPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentException.ThrowIfNullOrEmpty(stream.TenantId, nameof(stream));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var json = PayloadSerializer.Notification(
            payload.Id,
            new NotificationRecipient { UserId = payload.Recipient.UserId, Channel = payload.Recipient.Channel },
            new NotificationContent { Subject = payload.Subject, Body = payload.Body, HtmlBody = payload.HtmlBody, Data = payload.Data },
            payload.Timestamp,
            roomField: null,
            _json);
        var pending = new Pending(new NotificationRecord(payload.Id, stream, json, payload.Timestamp), payload);
        await _pending.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        _pendingWakeup.Wake();
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a stream after a position, in order, as clients receive it (data as a <see cref="JsonElement"/>).</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="afterPosition">Only positions above this one.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The notifications, stamped with their stream and position.</returns>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> when the store failed.</exception>
    public async Task<IReadOnlyList<NotificationPayload>> ReadAsync(NotificationStreamId stream, long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        var stored = await CallAsync(static (store, a, ct) => store.ReadAsync(a.stream, a.afterPosition, a.limit, ct), (stream, afterPosition, limit), "read", cancellationToken).ConfigureAwait(false);
        var id = stream.ToString();
        var read = new NotificationPayload[stored.Count];
        for (var i = 0; i < read.Length; i++)
        {
            read[i] = Deserialize(stored[i], id);
        }

        return read;
    }

    /// <summary>The oldest retained position and the head of a stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bounds.</returns>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> when the store failed.</exception>
    public Task<StreamBounds> GetBoundsAsync(NotificationStreamId stream, CancellationToken cancellationToken = default) =>
        CallAsync(static (store, s, ct) => store.GetBoundsAsync(s, ct), stream, "read", cancellationToken);

    /// <summary>Records that a user was allowed into a channel (from its current head on, or from where it joined first).</summary>
    /// <param name="channel">The channel's stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The position the membership starts after: the user's inbox and replays hold nothing of the channel at or below it.</returns>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> when the store failed.</exception>
    public Task<long> JoinAsync(NotificationStreamId channel, string userId, CancellationToken cancellationToken = default) =>
        CallAsync(static (store, a, ct) => store.JoinAsync(a.channel, a.userId, ct), (channel, userId), "membership", cancellationToken);

    /// <summary>Ends a user's membership of a channel.</summary>
    /// <param name="channel">The channel's stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the membership is gone.</returns>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> when the store failed.</exception>
    public Task LeaveAsync(NotificationStreamId channel, string userId, CancellationToken cancellationToken = default) =>
        CallAsync(static async (store, a, ct) =>
        {
            await store.LeaveAsync(a.channel, a.userId, ct).ConfigureAwait(false);
            return true;
        }, (channel, userId), "membership", cancellationToken);

    /// <summary>Where a user's membership of a channel starts; null when the user is not a member.</summary>
    /// <param name="channel">The channel's stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The position the membership starts after, or null.</returns>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> when the store failed.</exception>
    public Task<long?> GetMembershipAsync(NotificationStreamId channel, string userId, CancellationToken cancellationToken = default) =>
        CallAsync(static (store, a, ct) => store.GetMembershipAsync(a.channel, a.userId, ct), (channel, userId), "membership", cancellationToken);

    /// <summary>The channels a user is a member of (joined and not left since), as their streams, with each one's head.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The channels' streams and heads, in no particular order.</returns>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> when the store failed.</exception>
    public async Task<IReadOnlyList<StreamPosition>> GetChannelHeadsAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var heads = await CallAsync(static (store, a, ct) => store.GetHeadsAsync(a.tenantId, a.userId, ct), (tenantId, userId), "membership", cancellationToken).ConfigureAwait(false);
        return [.. heads.Where(h => h.Stream.Kind == NotificationStreamKind.Channel)];
    }

    /// <summary>Adds a listener for stored batches and inbox changes.</summary>
    /// <param name="listener">The listener.</param>
    /// <returns>Dispose it to remove the listener.</returns>
    public IDisposable Subscribe(INotificationJournalListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(this, listener);
    }

    /// <summary>
    /// Stops taking notifications, stores what is pending, and disposes the store. A store that does not finish within
    /// <see cref="ShutdownGrace"/> (a database stalled by a lock, say) is cancelled: the sends it held fail with
    /// <see cref="WebSocketErrorCodes.StoreUnavailable"/>, as they would have at its command timeout, and the host's
    /// shutdown does not wait for that timeout.
    /// </summary>
    /// <returns>A task that completes when the journal is shut down.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pending.Writer.TryComplete();
        _pendingWakeup.Wake();
        var loops = Task.WhenAll(_loop, _handOff);
        try
        {
            await loops.WaitAsync(ShutdownGrace, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.StoreStuckAtShutdown(_logger, _provider, ShutdownGrace);
            await _shutdown.CancelAsync().ConfigureAwait(false);
            await loops.ConfigureAwait(false);
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        _shutdown.Dispose();
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells the listeners to have a user's connections read their inbox again (<see cref="InboxChangeKind.Refresh"/>),
    /// with the current unread count. For a gateway that learns that changes of the user's read state passed it by
    /// (its scale-out was away): the listeners of this journal hear it, and should not forward it to other instances.
    /// The count is read in order with the user's other changes, so no connection ends on an older count.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change the listeners heard.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user.</exception>
    /// <exception cref="WebSocketNotificationException"><see cref="WebSocketErrorCodes.StoreUnavailable"/> (retryable) when the store failed; nothing was told.</exception>
    public Task<InboxChange> RefreshAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return PublishCountedAsync(tenantId, userId, new InboxChange { Kind = InboxChangeKind.Refresh }, cancellationToken);
    }

    /// <summary>
    /// For a gateway's scale-out: hands on a change of a user's inbox that another instance made and published with the
    /// unread count it read there. That count can be older than one read here since (two devices of the user changing
    /// their inbox on two instances at once: the first instance's message can arrive after the second's), so the count
    /// is read again here, in order with the user's other changes, and <paramref name="deliver"/> gets the change with
    /// it before any later change of the user is counted: the last count this instance's connections get was read after
    /// every change it heard of. The listeners do not hear it (it is not this instance's to forward). When the store is
    /// unavailable, <paramref name="deliver"/> gets the change as it came.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="change">The change, as the other instance published it.</param>
    /// <param name="deliver">Called once, with the change and the count read here (or the one it came with).</param>
    /// <param name="cancellationToken">Cancels the call; <paramref name="deliver"/> is then not called.</param>
    /// <returns>A task that completes once <paramref name="deliver"/> was called.</returns>
    /// <exception cref="ArgumentException">An empty tenant or user.</exception>
    public Task ReceiveRemoteChangeAsync(string tenantId, string userId, InboxChange change, Action<InboxChange> deliver, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(deliver);
        return _changeOrder.RunAsync(
            tenantId,
            userId,
            async ct =>
            {
                InboxChange counted;
                try
                {
                    counted = change with { UnreadCount = await CountUnreadAsync(tenantId, userId, ct).ConfigureAwait(false) };
                }
                catch (WebSocketNotificationException ex) when (ex.Code == WebSocketErrorCodes.StoreUnavailable)
                {
                    counted = change;
                }

                deliver(counted);
                return true;
            },
            cancellationToken);
    }

    /// <summary>How many notifications of a user's inbox are unread.</summary>
    internal Task<long> CountUnreadAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        CallAsync(static (store, a, ct) => store.CountUnreadAsync(a.tenantId, a.userId, ct), (tenantId, userId), "inbox read", cancellationToken);

    /// <summary>
    /// Tells the listeners that a user's inbox changed, with the unread count after it. One user's changes count and
    /// publish one at a time: each counts after its own write, and two made together could otherwise publish their
    /// counts in the opposite order.
    /// </summary>
    internal Task<InboxChange> PublishCountedAsync(string tenantId, string userId, InboxChange change, CancellationToken cancellationToken) =>
        _changeOrder.RunAsync(
            tenantId,
            userId,
            async ct =>
            {
                var counted = change with { UnreadCount = await CountUnreadAsync(tenantId, userId, ct).ConfigureAwait(false) };
                PublishChange(tenantId, userId, counted);
                return counted;
            },
            cancellationToken);

    /// <summary>Tells the listeners that a user's inbox changed.</summary>
    private void PublishChange(string tenantId, string userId, InboxChange change)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                listener.OnInboxChanged(tenantId, userId, change);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.JournalListenerFailed(_logger, ex);
            }
        }
    }

    /// <summary>Calls the store once it is initialized; its failures become <see cref="WebSocketErrorCodes.StoreUnavailable"/>.</summary>
    internal async Task<TResult> CallAsync<TState, TResult>(Func<INotificationStore, TState, CancellationToken, Task<TResult>> call, TState state, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            return await call(Store, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            if (_failureLog.TryEnter(out var suppressed))
            {
                Log.StoreCallFailed(_logger, ex, _provider, operation, suppressed);
            }

            throw Unavailable(ex);
        }
    }

    internal static NotificationPayload Deserialize(StoredNotification stored, string streamId)
    {
        var payload = JsonSerializer.Deserialize(stored.Payload.Span, InboxJsonContext.Default.NotificationPayload)
            ?? throw new JsonException("A stored notification is the JSON null.");
        return payload with { Stream = streamId, Position = stored.Position };
    }

    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not (OutOfMemoryException or ArgumentException or WebSocketNotificationException)
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static WebSocketNotificationException Unavailable(Exception exception) => new(
        WebSocketErrorCodes.StoreUnavailable,
        "The notification store is unavailable: " + exception.Message,
        retryable: true,
        exception);

    /// <summary>
    /// Initializes the store now (at host start) rather than at its first use. A store that is down is only logged, and
    /// tried again when used; a store that can never work (<see cref="WebSocketErrorCodes.NotConfigured"/>) throws.
    /// </summary>
    internal async Task InitializeAtStartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(static (_, _, _) => Task.FromResult(true), 0, "initialize", cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketNotificationException ex) when (ex.Retryable)
        {
            // Logged by CallAsync (throttled); sends report it until the store is back.
        }
    }

    private Task InitializeAsync(CancellationToken cancellationToken)
    {
        Task initialized;
        lock (_gate)
        {
            // A failed attempt (the database was down) is tried again by the next call.
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
            {
                _initialized = InitializeStoreAsync();
            }

            initialized = _initialized;
        }

        return initialized.WaitAsync(cancellationToken);
    }

    private async Task InitializeStoreAsync()
    {
        await Store.InitializeAsync(_shutdown.Token).ConfigureAwait(false);
        Log.InboxReady(_logger, _provider, _options.TablePrefix, _options.MaxAge, _options.MaxPerStream);
    }

    /// <summary>
    /// Commits batch after batch. While sends keep coming, a committed batch goes to <see cref="HandOffLoopAsync"/>, and
    /// the next one is committed while the listeners fan the previous one out: the disk sync and the fan-out overlap
    /// instead of taking turns. When nothing else is pending or queued, the loop hands the batch off itself: there is
    /// nothing to overlap, and a lone sender would otherwise wait for two loops to be scheduled instead of one.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            var lastBatch = 0;
            while (await WaitForSendsAsync(lastBatch).ConfigureAwait(false))
            {
                var batch = new List<Pending>(Math.Min(_pending.Reader.Count, _options.MaxBatchSize));
                var records = new List<NotificationRecord>(batch.Capacity);
                while (batch.Count < _options.MaxBatchSize && _pending.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    records.Add(pending.Record);
                }

                lastBatch = batch.Count;

                IReadOnlyList<AppendOutcome> outcomes;
                try
                {
                    outcomes = await AppendAsync(records).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    if (_failureLog.TryEnter(out var suppressed))
                    {
                        Log.StoreAppendFailed(_logger, ex, _provider, batch.Count, suppressed);
                    }

                    var failure = ex as WebSocketNotificationException ?? Unavailable(ex);
                    batch.ForEach(p => p.Done.TrySetException(failure));
                    continue;
                }

                if (_pending.Reader.Count == 0 && Volatile.Read(ref _queuedHandOffs) == 0)
                {
                    await CompleteAsync(batch, outcomes).ConfigureAwait(false);
                }
                else
                {
                    Interlocked.Increment(ref _queuedHandOffs);
                    await _stored.Writer.WriteAsync((batch, outcomes)).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _stored.Writer.TryComplete();
        }
    }

    /// <summary>
    /// After a batch of one (a lone sender), the next send wakes the loop on the sender's own thread, at once; after a
    /// group, through the channel, whose later wake-up lets the sends made meanwhile join the next commit (woken at once
    /// after groups too, the loop committed smaller ones, and continuous sending lost about a third of its throughput).
    /// </summary>
    private ValueTask<bool> WaitForSendsAsync(int lastBatch) =>
        lastBatch <= 1 ? _pendingWakeup.WaitToReadAsync(_pending.Reader) : _pending.Reader.WaitToReadAsync();

    /// <summary>Hands committed batches to the listeners, one batch at a time and in commit order (a stream's positions reach them in order).</summary>
    private async Task HandOffLoopAsync()
    {
        await foreach (var (batch, outcomes) in _stored.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await CompleteAsync(batch, outcomes).ConfigureAwait(false);
            Interlocked.Decrement(ref _queuedHandOffs);
        }
    }

    /// <summary>Appends the batch; one immediate second attempt absorbs a transient conflict (a concurrent writer of the same id, a busy database).</summary>
    private async Task<IReadOnlyList<AppendOutcome>> AppendAsync(List<NotificationRecord> records)
    {
        try
        {
            await InitializeAsync(_shutdown.Token).ConfigureAwait(false);
            return await Store.AppendAsync(records, _shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            await InitializeAsync(_shutdown.Token).ConfigureAwait(false);
            return await Store.AppendAsync(records, _shutdown.Token).ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(List<Pending> batch, IReadOnlyList<AppendOutcome> outcomes)
    {
        var stored = new List<JournalEntry>(batch.Count);
        var results = new JournalEntry[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var stream = batch[i].Record.Stream;
            results[i] = new JournalEntry(stream, batch[i].Payload with { Stream = stream.ToString(), Position = outcomes[i].Position }, batch[i].Record.Payload);
            if (!outcomes[i].Duplicate)
            {
                stored.Add(results[i]);
            }
        }

        if (stored.Count > 0)
        {
            foreach (var listener in Volatile.Read(ref _listeners))
            {
                try
                {
                    await listener.OnStoredAsync(stored, _shutdown.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.JournalListenerFailed(_logger, ex);
                }
            }

            NotifyWebSocketTelemetry.InboxStored.Add(stored.Count);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(results[i]);
        }
    }

    private void Unsubscribe(INotificationJournalListener listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners.Where(l => !ReferenceEquals(l, listener))];
        }
    }

    private sealed class Pending(NotificationRecord record, NotificationPayload payload)
    {
        public NotificationRecord Record { get; } = record;

        public NotificationPayload Payload { get; } = payload;

        public TaskCompletionSource<JournalEntry> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Subscription(NotificationJournal journal, INotificationJournalListener listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                journal.Unsubscribe(listener);
            }
        }
    }
}
