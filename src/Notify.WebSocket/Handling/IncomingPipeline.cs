using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.External;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Strategies;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Hands a tenant's incoming messages to its handling strategies off the socket's receive loop, with nothing lost:
/// <list type="number">
/// <item><see cref="EnqueueAsync"/> puts a message in a bounded in-memory queue; when it is full, the receive loop waits
/// (back-pressure: the server's sends slow down), or, with <c>whenQueueFull: drop</c>, the message is refused.</item>
/// <item>A writer loop stores queued messages in the durable spool, many per write (group commit). Only then is the
/// message published to <see cref="IWebSocketProvider.ReceiveAsync(CancellationToken)"/>, acknowledged to a server that
/// asked for it, and handed to the strategies. A spool that cannot be written stops the queue (and so the socket), it
/// never lets a message through undurably.</item>
/// <item>A delivery loop runs each message's outstanding strategies concurrently (up to <c>maxConcurrency</c> messages at
/// once); one failing does not stop or undo the others. Per-strategy completion is recorded in the spool. When every
/// strategy takes batches (<see cref="IBatchMessageHandlingStrategy{TOptions}"/>), the messages ready together go to
/// each strategy in one call, up to 512 at once.</item>
/// <item>Failed strategies alone are retried with capped exponential backoff; the message leaves the spool when all have
/// succeeded. A failing strategy is logged once per interval with a count, and once when it recovers.</item>
/// <item>Messages of the same tenant left pending by an earlier pipeline (or process) are delivered too, read from the
/// spool in the background so that starting never waits for a large backlog.</item>
/// </list>
/// </summary>
internal sealed class IncomingPipeline : IAsyncDisposable
{
    private const int BatchSize = 512;
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<Accepted> _incoming;
    private readonly Channel<SpoolEntry> _ready = Channel.CreateUnbounded<SpoolEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(SpoolEntry Entry, bool Remove)> _ops = Channel.CreateUnbounded<(SpoolEntry, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<SpoolEntry, byte> _live = new();
    private readonly IReadOnlyList<SelectedStrategy> _strategies;
    private readonly StrategyOutage[] _outages;
    private readonly RetryGate[] _gates;
    private readonly string _owner;
    private readonly string _tenantId;
    private readonly SpoolRegistry _spools;
    private readonly SharedSpool _spool;
    private readonly long _spoolCapacity;
    private readonly bool _dropWhenFull;
    private readonly bool _batched;
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogThrottle _dropReports;
    private readonly LogThrottle _spoolFullReports;
    private readonly LogThrottle _spoolFailureReports;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _retries = new();
    private readonly TaskCompletionSource _incomingSpooled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;
    private readonly Task _deliverer;
    private int _disposed;
    private int _queued;
    private int _running;
    private long _completed;

    public IncomingPipeline(
        string tenantId,
        string owner,
        IReadOnlyList<SelectedStrategy> strategies,
        WebSocketProviderOptions options,
        SpoolRegistry spools,
        TimeProvider time,
        ILogger logger)
    {
        _tenantId = tenantId;
        _owner = owner;
        _strategies = strategies;
        _batched = strategies.All(s => s.HandlesBatches);
        _spools = spools;
        _time = time;
        _logger = logger;
        var handling = options.MessageHandling;
        _spoolCapacity = handling.SpoolCapacity;
        _dropWhenFull = handling.WhenQueueFull == QueueFullMode.Drop;
        _backoff = new RetryBackoff(TimeSpan.FromMilliseconds(handling.RetryDelay), TimeSpan.FromMilliseconds(handling.MaxRetryDelay));
        _slots = new SemaphoreSlim(Math.Max(1, handling.MaxConcurrency));
        _outages = [.. strategies.Select(s => new StrategyOutage(s.Name, tenantId, time, logger))];
        _gates = [.. strategies.Select(_ => new RetryGate(_backoff, time))];
        _dropReports = new LogThrottle(time, TimeSpan.FromSeconds(1));
        _spoolFullReports = new LogThrottle(time, TimeSpan.FromSeconds(1));
        _spoolFailureReports = new LogThrottle(time, StrategyOutage.ReportInterval);
        _incoming = Channel.CreateBounded<Accepted>(new BoundedChannelOptions(Math.Max(1, handling.QueueCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _spool = spools.Acquire(handling);
        _writer = Task.Run(WriteLoopAsync);
        _deliverer = Task.Run(DeliverLoopAsync);
    }

    /// <summary>Called with each message once it is durable (or found already pending), before any strategy sees it; not for duplicates.</summary>
    public Action<IncomingMessage>? Durable { get; set; }

    public IReadOnlyList<SelectedStrategy> Strategies => _strategies;

    /// <summary>Messages accepted and not yet handled by every strategy: queued for the spool, or spooled and in progress.</summary>
    public int Pending => Volatile.Read(ref _queued) + _live.Count;

    /// <summary>Retries waiting for their turn to probe a failing strategy, or for a probe to get through (for tests).</summary>
    internal int RetriesWaiting => _gates.Sum(g => g.Waiting);

    /// <summary>Messages every strategy has handled (and that left the spool) since this pipeline started.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>
    /// Accepts a message: completes at once while the queue has room; when it is full, completes once there is room
    /// (back-pressure), or at once with the message refused when <c>whenQueueFull</c> is <c>drop</c>.
    /// <paramref name="acknowledgment"/> is held until the message is durable, and released then.
    /// </summary>
    /// <returns>False when the message was refused (dropped, or the pipeline is stopping).</returns>
    public ValueTask<bool> EnqueueAsync(IncomingMessage message, IncomingAcknowledgment? acknowledgment = null, CancellationToken cancellationToken = default)
    {
        var accepted = new Accepted(message, acknowledgment);
        acknowledgment?.Hold();
        Interlocked.Increment(ref _queued);
        if (_incoming.Writer.TryWrite(accepted))
        {
            return new ValueTask<bool>(true);
        }

        return _dropWhenFull || Volatile.Read(ref _disposed) != 0 ? new ValueTask<bool>(Refuse(accepted)) : WaitForRoomAsync(accepted, cancellationToken);
    }

    /// <summary>Accepts a message if the queue has room now; never waits (false when full, counted).</summary>
    public bool TryEnqueue(IncomingMessage message)
    {
        Interlocked.Increment(ref _queued);
        var accepted = new Accepted(message, null);
        return _incoming.Writer.TryWrite(accepted) || Refuse(accepted);
    }

    /// <summary>
    /// Stops accepting, spools what was queued, lets running strategies finish (cut off after a grace period) and
    /// leaves whatever is still pending in the spool for the next pipeline of the same tenant.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _incoming.Writer.TryComplete();
        await _incomingSpooled.Task.ConfigureAwait(false);
        await _retries.CancelAsync().ConfigureAwait(false);
        _ready.Writer.TryComplete();
        if (!await DrainedAsync().ConfigureAwait(false))
        {
            // A stuck sink is cancelled; one that ignores cancellation is left behind (its message stays spooled).
            await _stopping.CancelAsync().ConfigureAwait(false);
            await DrainedAsync().ConfigureAwait(false);
        }

        _ops.Writer.TryComplete();
        await _writer.ConfigureAwait(false);

        var left = _live.Keys.ToList();
        if (left.Count > 0)
        {
            foreach (var entry in left)
            {
                Untrack(entry);
            }

            _spool.Unclaim(left);
            Log.PipelineStoppedWithPending(_logger, _tenantId, left.Count, _spool.Location);
        }

        _spools.Release(_spool);
        _retries.Dispose();
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }

        // _stopping and _slots are not disposed: a strategy that ignored cancellation may still release or observe them.
    }

    private async ValueTask<bool> WaitForRoomAsync(Accepted accepted, CancellationToken cancellationToken)
    {
        try
        {
            await _incoming.Writer.WriteAsync(accepted, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return Refuse(accepted);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _queued);
            throw;
        }
    }

    /// <summary>
    /// Counts a refused message; the log gets the first and then at most one line a second with the count, since a full
    /// queue means overload and a line per message would flood the log exactly then. Its acknowledgment is never sent.
    /// </summary>
    private bool Refuse(Accepted accepted)
    {
        Interlocked.Decrement(ref _queued);

        // notify.websocket.messages.dropped (reason handling-queue-full) is counted by the connection, which knows its endpoint.
        HandlingTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>(HandlingTelemetry.ReasonTag, "queue-full"));
        if (_dropReports.TryEnter(out var suppressed))
        {
            Log.IncomingQueueFull(_logger, accepted.Message.Id, accepted.Message.Event, accepted.Message.TenantId, suppressed + 1);
        }

        return false;
    }

    private async Task<bool> DrainedAsync()
    {
        try
        {
            await _deliverer.WaitAsync(DrainGrace).ConfigureAwait(false);
            if (Volatile.Read(ref _running) > 0)
            {
                await _idle.Task.WaitAsync(DrainGrace).ConfigureAwait(false);
            }

            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task WriteLoopAsync()
    {
        // The backlog an earlier pipeline (or process) left is claimed first, here, so creating the pipeline never waits for it.
        Resume();
        var inserts = new List<Accepted>(BatchSize);
        var updates = new List<SpoolEntry>();
        var removals = new List<SpoolEntry>();
        while (true)
        {
            while (inserts.Count < BatchSize && _incoming.Reader.TryRead(out var accepted))
            {
                inserts.Add(accepted);
            }

            while (updates.Count + removals.Count < BatchSize * 4 && _ops.Reader.TryRead(out var op))
            {
                (op.Remove ? removals : updates).Add(op.Entry);
            }

            if (inserts.Count + updates.Count + removals.Count > 0)
            {
                await ApplyAsync(inserts, updates, removals).ConfigureAwait(false);
                inserts.Clear();
                updates.Clear();
                removals.Clear();
                continue;
            }

            var incomingOpen = !_incoming.Reader.Completion.IsCompleted;
            if (!incomingOpen)
            {
                _incomingSpooled.TrySetResult();
            }

            var opsOpen = !_ops.Reader.Completion.IsCompleted;
            if (!incomingOpen && !opsOpen)
            {
                return;
            }

            if (incomingOpen && opsOpen)
            {
                await Task.WhenAny(_incoming.Reader.WaitToReadAsync().AsTask(), _ops.Reader.WaitToReadAsync().AsTask()).ConfigureAwait(false);
            }
            else if (incomingOpen)
            {
                await _incoming.Reader.WaitToReadAsync().ConfigureAwait(false);
            }
            else
            {
                await _ops.Reader.WaitToReadAsync().ConfigureAwait(false);
            }
        }
    }

    private void Resume()
    {
        List<SpoolEntry> resumed;
        try
        {
            resumed = _spool.ClaimPending(_owner);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.SpoolWriteFailed(_logger, ex, _spool.Location, 1, 0, 0);
            return;
        }

        if (resumed.Count > 0)
        {
            Log.SpoolResumed(_logger, resumed.Count, _tenantId, _spool.Location);
            foreach (var entry in resumed)
            {
                Track(entry);
                _ready.Writer.TryWrite(entry);
            }
        }
    }

    /// <summary>
    /// Writes one batch; a spool that fails is tried again with backoff, the batch held in memory meanwhile (so the
    /// queue fills and the socket is read no further), until it succeeds or the pipeline stops.
    /// </summary>
    private async Task ApplyAsync(List<Accepted> inserts, List<SpoolEntry> updates, List<SpoolEntry> removals)
    {
        var entries = inserts.ConvertAll(a => new SpoolEntry(_owner, a.Message));
        for (var attempt = 1; ; attempt++)
        {
            IReadOnlyList<SpoolInsertOutcome> outcomes;
            try
            {
                outcomes = _spool.Apply(entries, updates, removals, _spoolCapacity);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var delay = _backoff.Delay(attempt);
                if (_spoolFailureReports.TryEnter(out var suppressed))
                {
                    Log.SpoolWriteFailed(_logger, ex, _spool.Location, suppressed + 1, entries.Count, (long)delay.TotalMilliseconds);
                }

                try
                {
                    await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    // Stopping with the spool down: what was only in memory is lost, as the socket's unread bytes are;
                    // a server that asked for acknowledgments was not acknowledged and sends it again.
                    return;
                }
            }

            Settle(inserts, entries, outcomes);
            return;
        }
    }

    private void Settle(List<Accepted> inserts, List<SpoolEntry> entries, IReadOnlyList<SpoolInsertOutcome> outcomes)
    {
        var durable = Durable;
        for (var i = 0; i < inserts.Count; i++)
        {
            var (message, acknowledgment) = inserts[i];
            Interlocked.Decrement(ref _queued);
            switch (outcomes[i])
            {
                case SpoolInsertOutcome.Stored:
                    Track(entries[i]);
                    durable?.Invoke(message);
                    acknowledgment?.Release();
                    _ready.Writer.TryWrite(entries[i]);
                    break;
                case SpoolInsertOutcome.Duplicate:
                    // Already durable (the server sent it again): acknowledged, not handled twice.
                    Log.SpoolDuplicate(_logger, message.Id);
                    acknowledgment?.Release();
                    break;
                default:
                    HandlingTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>(HandlingTelemetry.ReasonTag, "spool-full"));
                    if (_spoolFullReports.TryEnter(out _))
                    {
                        Log.SpoolFull(_logger, message.Id, message.Event, _tenantId, _spool.Location, _spoolCapacity);
                    }

                    break;
            }
        }
    }

    private async Task DeliverLoopAsync()
    {
        var batch = new List<SpoolEntry>(BatchSize);
        try
        {
            while (await _ready.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_ready.Reader.TryRead(out var entry))
                {
                    if (!_slots.Wait(0))
                    {
                        // Out of slots: what was gathered starts now, and this message waits for a slot.
                        Dispatch(batch);
                        await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                    }

                    if (!_batched)
                    {
                        // Not awaited: up to maxConcurrency messages are in their strategies at once. The strategy's
                        // synchronous part (serializing, handing to a client library) runs here, without a hop to another thread.
                        Interlocked.Increment(ref _running);
                        _ = DeliverAsync(entry);
                        continue;
                    }

                    batch.Add(entry);
                    if (batch.Count == BatchSize)
                    {
                        Dispatch(batch);
                    }
                }

                Dispatch(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: what was not started stays in the spool (the batch was started before waiting, so it is empty).
        }
    }

    /// <summary>Starts a gathered batch (each of its messages holds a slot) and empties the list.</summary>
    private void Dispatch(List<SpoolEntry> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        SpoolEntry[] entries = [.. batch];
        batch.Clear();
        Interlocked.Increment(ref _running);
        _ = DeliverBatchAsync(entries);
    }

    private async Task DeliverAsync(SpoolEntry entry)
    {
        try
        {
            if (_strategies.Count == 1)
            {
                if (!entry.IsDone(_strategies[0].Name))
                {
                    await RunAsync(0, entry).ConfigureAwait(false);
                }
            }
            else
            {
                var runs = new List<Task>(_strategies.Count);
                for (var i = 0; i < _strategies.Count; i++)
                {
                    if (!entry.IsDone(_strategies[i].Name))
                    {
                        runs.Add(RunAsync(i, entry).AsTask());
                    }
                }

                await Task.WhenAll(runs).ConfigureAwait(false);
            }

            Finish(entry, AllDone(entry));
        }
        finally
        {
            Release(1);
        }
    }

    /// <summary>Every strategy of the pipeline takes batches: one call per strategy for the whole batch.</summary>
    private async Task DeliverBatchAsync(SpoolEntry[] batch)
    {
        try
        {
            if (_strategies.Count == 1)
            {
                await RunBatchAsync(0, batch).ConfigureAwait(false);
            }
            else
            {
                var runs = new Task[_strategies.Count];
                for (var i = 0; i < runs.Length; i++)
                {
                    runs[i] = RunBatchAsync(i, batch);
                }

                await Task.WhenAll(runs).ConfigureAwait(false);
            }

            foreach (var entry in batch)
            {
                Finish(entry, AllDone(entry));
            }
        }
        finally
        {
            Release(batch.Length);
        }
    }

    private bool AllDone(SpoolEntry entry)
    {
        foreach (var strategy in _strategies)
        {
            if (!entry.IsDone(strategy.Name))
            {
                return false;
            }
        }

        return true;
    }

    private void Release(int slots)
    {
        _slots.Release(slots);
        if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _disposed) != 0)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>A message every strategy is done with leaves the spool; otherwise it is retried later for the strategies that are not.</summary>
    private void Finish(SpoolEntry entry, bool all)
    {
        if (all)
        {
            _live.TryRemove(entry, out _);
            _ops.Writer.TryWrite((entry, true));
            Interlocked.Increment(ref _completed);
            return;
        }

        entry.Attempts++;
        _ops.Writer.TryWrite((entry, false));
        var delay = _backoff.Delay(entry.Attempts);

        // The retry's timer exists before anything says it is scheduled (a clock advanced on that word must hit it).
        _ = RetryLaterAsync(entry, delay);
        foreach (var strategy in _strategies)
        {
            if (!entry.IsDone(strategy.Name))
            {
                HandlingTelemetry.Retried.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
                Log.StrategyRetryScheduled(_logger, strategy.Name, entry.Message.Id, (long)delay.TotalMilliseconds, entry.Attempts + 1);
            }
        }
    }

    private async Task RetryLaterAsync(SpoolEntry entry, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _retries.Token).ConfigureAwait(false);

            // In the strategies' order, so that two messages never wait for each other's turn.
            for (var i = 0; i < _strategies.Count; i++)
            {
                if (!entry.IsDone(_strategies[i].Name))
                {
                    await _gates[i].EnterAsync(entry, _retries.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return; // stopping: the entry stays in the spool
        }

        _ready.Writer.TryWrite(entry);
    }

    /// <summary>One strategy, one message; the outcome is recorded by <see cref="Outcome"/>.</summary>
    private async ValueTask RunAsync(int index, SpoolEntry entry)
    {
        try
        {
            await _strategies[index].HandleAsync(entry.Message, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Outcome(index, entry, ex);
            return;
        }

        Outcome(index, entry, failure: null);
    }

    /// <summary>The messages of the batch this strategy has not handled yet, in one call; each outcome is recorded as <see cref="RunAsync"/> records one.</summary>
    private async Task RunBatchAsync(int index, SpoolEntry[] batch)
    {
        var strategy = _strategies[index];
        var todo = Array.FindAll(batch, e => !e.IsDone(strategy.Name));
        if (todo.Length == 0)
        {
            return;
        }

        IReadOnlyList<Exception?>? failures;
        try
        {
            failures = await strategy.HandleBatchAsync(Array.ConvertAll(todo, e => e.Message), _stopping.Token).ConfigureAwait(false);
            if (failures is not null && failures.Count != todo.Length)
            {
                throw new InvalidOperationException($"The handling strategy \"{strategy.Name}\" reported {failures.Count} outcomes for a batch of {todo.Length} messages.");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var entry in todo)
            {
                Outcome(index, entry, ex);
            }

            return;
        }

        for (var i = 0; i < todo.Length; i++)
        {
            Outcome(index, todo[i], failures?[i]);
        }
    }

    /// <summary>Records how one strategy did with one message: done with it when handled, or refused for good.</summary>
    private void Outcome(int index, SpoolEntry entry, Exception? failure)
    {
        var strategy = _strategies[index];
        var message = entry.Message;
        if (failure is null)
        {
            Done(strategy, entry);
            _outages[index].Succeeded();
            _gates[index].Answered();
            HandlingTelemetry.Handled.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
            Log.StrategyHandled(_logger, strategy.Name, message.Id, message.Event);
            return;
        }

        HandlingTelemetry.Failed.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
        if (failure is WebSocketNotificationException { Retryable: false })
        {
            // The sink refused this message for good (for example a webhook answering 400): retrying cannot help.
            Done(strategy, entry);
            _gates[index].Answered();
            Log.StrategyRejected(_logger, failure, strategy.Name, message.Id, message.Event, _tenantId);
            return;
        }

        _outages[index].Failed(failure, message);
        _gates[index].Failed(entry);
    }

    private static void Done(SelectedStrategy strategy, SpoolEntry entry)
    {
        entry.MarkDone(strategy.Name);
        HandlingTelemetry.AddPending(strategy.Name, -1);
    }

    private void Track(SpoolEntry entry)
    {
        _live.TryAdd(entry, 0);
        foreach (var strategy in _strategies)
        {
            if (!entry.IsDone(strategy.Name))
            {
                HandlingTelemetry.AddPending(strategy.Name, 1);
            }
        }
    }

    /// <summary>A received message, and the acknowledgment its server waits for, on its way to the spool.</summary>
    private readonly record struct Accepted(IncomingMessage Message, IncomingAcknowledgment? Acknowledgment);

    private void Untrack(SpoolEntry entry)
    {
        _live.TryRemove(entry, out _);
        foreach (var strategy in _strategies)
        {
            if (!entry.IsDone(strategy.Name))
            {
                HandlingTelemetry.AddPending(strategy.Name, -1);
            }
        }
    }
}
