using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Hands a tenant's incoming messages to its handling strategies off the socket's receive loop, with nothing lost:
/// <list type="number">
/// <item><see cref="TryEnqueue"/> never blocks: it writes to a bounded in-memory queue (full = logged, counted drop).</item>
/// <item>A writer loop stores queued messages in the durable spool, many per transaction, before any strategy sees them.</item>
/// <item>A delivery loop runs each message's outstanding strategies concurrently (up to <c>maxConcurrency</c> messages at
/// once); one failing does not stop or undo the others. Per-strategy completion is recorded in the spool row.</item>
/// <item>Failed strategies alone are retried with capped exponential backoff; the row is removed when all have succeeded.</item>
/// <item>On start, pending rows of the same tenant left by an earlier pipeline (or process) are delivered.</item>
/// </list>
/// </summary>
internal sealed class IncomingPipeline : IAsyncDisposable
{
    public const int DefaultCapacity = 10_000;
    private const int BatchSize = 512;
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<IncomingMessage> _incoming;
    private readonly Channel<SpoolEntry> _ready = Channel.CreateUnbounded<SpoolEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(SpoolEntry Entry, bool Remove)> _ops = Channel.CreateUnbounded<(SpoolEntry, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<SpoolEntry, byte> _live = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly IReadOnlyList<IMessageHandlingStrategy> _strategies;
    private readonly WebSocketProviderOptions _options;
    private readonly string _owner;
    private readonly string _tenantId;
    private readonly SpoolRegistry _spools;
    private readonly SharedSpool _spool;
    private readonly long _spoolCapacity;
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private long _lastDropReport;
    private int _dropsSinceReport;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _retries = new();
    private readonly TaskCompletionSource _incomingSpooled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;
    private readonly Task _deliverer;
    private int _disposed;
    private int _queued;
    private long _completed;

    public IncomingPipeline(
        string tenantId,
        string owner,
        IReadOnlyList<IMessageHandlingStrategy> strategies,
        WebSocketProviderOptions options,
        SpoolRegistry spools,
        TimeProvider time,
        ILogger logger,
        int capacity = DefaultCapacity)
    {
        _tenantId = tenantId;
        _owner = owner;
        _strategies = strategies;
        _options = options;
        _spools = spools;
        _time = time;
        _logger = logger;
        var handling = options.MessageHandling;
        _spoolCapacity = handling.SpoolCapacity;
        _backoff = new RetryBackoff(TimeSpan.FromMilliseconds(handling.RetryDelay), TimeSpan.FromMilliseconds(handling.MaxRetryDelay));
        _slots = new SemaphoreSlim(Math.Max(1, handling.MaxConcurrency));
        _incoming = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _spool = spools.Acquire(handling);

        var resumed = _spool.ClaimPending(owner);
        if (resumed.Count > 0)
        {
            Log.SpoolResumed(_logger, resumed.Count, tenantId, _spool.Location);
            foreach (var entry in resumed)
            {
                Track(entry);
                _ready.Writer.TryWrite(entry);
            }
        }

        _writer = Task.Run(WriteLoopAsync);
        _deliverer = Task.Run(DeliverLoopAsync);
    }

    public IReadOnlyList<IMessageHandlingStrategy> Strategies => _strategies;

    /// <summary>Messages accepted and not yet handled by every strategy: queued for the spool, or spooled and in progress.</summary>
    public int Pending => Volatile.Read(ref _queued) + _live.Count;

    /// <summary>Messages every strategy has handled (and that left the spool) since this pipeline started.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Accepts a message without blocking; false (logged and counted) when the in-memory queue is full.</summary>
    public bool TryEnqueue(IncomingMessage message)
    {
        Interlocked.Increment(ref _queued);
        if (_incoming.Writer.TryWrite(message))
        {
            return true;
        }

        Interlocked.Decrement(ref _queued);

        ExternalTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "handling-queue-full"));
        HandlingTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>(HandlingTelemetry.ReasonTag, "queue-full"));
        ReportDrop(message);
        return false;
    }

    /// <summary>
    /// Every drop is counted; the log gets the first one and then at most one line a second with the count, since a
    /// full queue means overload and a line per message would flood the log exactly then.
    /// </summary>
    private void ReportDrop(IncomingMessage message)
    {
        var dropped = Interlocked.Increment(ref _dropsSinceReport);
        var last = Interlocked.Read(ref _lastDropReport);
        if (last != 0 && _time.GetElapsedTime(last) < TimeSpan.FromSeconds(1))
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastDropReport, _time.GetTimestamp(), last) == last)
        {
            Interlocked.Add(ref _dropsSinceReport, -dropped);
            Log.IncomingQueueFull(_logger, message.Id, message.Event, message.TenantId, dropped);
        }
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
        try
        {
            await _deliverer.WaitAsync(DrainGrace).ConfigureAwait(false);
            await Task.WhenAll(_inFlight.Keys).WaitAsync(DrainGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A stuck sink is cancelled; one that ignores cancellation is left behind (its message stays spooled).
            await _stopping.CancelAsync().ConfigureAwait(false);
            try
            {
                await _deliverer.WaitAsync(DrainGrace).ConfigureAwait(false);
                await Task.WhenAll(_inFlight.Keys).WaitAsync(DrainGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
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

        // _stopping and _slots are not disposed: a strategy that ignored cancellation may still release or observe them.
    }

    private async Task WriteLoopAsync()
    {
        var inserts = new List<SpoolEntry>(BatchSize);
        var updates = new List<SpoolEntry>();
        var removals = new List<SpoolEntry>();
        while (true)
        {
            while (inserts.Count < BatchSize && _incoming.Reader.TryRead(out var message))
            {
                inserts.Add(new SpoolEntry(_owner, message));
            }

            while (updates.Count + removals.Count < BatchSize * 4 && _ops.Reader.TryRead(out var op))
            {
                (op.Remove ? removals : updates).Add(op.Entry);
            }

            if (inserts.Count + updates.Count + removals.Count > 0)
            {
                Apply(inserts, updates, removals);
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

    private void Apply(List<SpoolEntry> inserts, List<SpoolEntry> updates, List<SpoolEntry> removals)
    {
        IReadOnlyList<SpoolInsertOutcome> outcomes;
        try
        {
            outcomes = _spool.Apply(inserts, updates, removals, _spoolCapacity);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Handled in memory rather than dropped; rows already stored stay and are retried by the next pipeline.
            Log.SpoolWriteFailed(_logger, ex, _spool.Location, inserts.Count);
            outcomes = new SpoolInsertOutcome[inserts.Count];
        }

        for (var i = 0; i < inserts.Count; i++)
        {
            var entry = inserts[i];
            if (outcomes[i] == SpoolInsertOutcome.Stored)
            {
                Track(entry);
            }

            Interlocked.Decrement(ref _queued);
            switch (outcomes[i])
            {
                case SpoolInsertOutcome.Stored:
                    _ready.Writer.TryWrite(entry);
                    break;
                case SpoolInsertOutcome.Duplicate:
                    Log.SpoolDuplicate(_logger, entry.Message.Id);
                    break;
                default:
                    HandlingTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>(HandlingTelemetry.ReasonTag, "spool-full"));
                    Log.SpoolFull(_logger, entry.Message.Id, entry.Message.Event, _tenantId, _spool.Location, _spoolCapacity);
                    break;
            }
        }
    }

    private async Task DeliverLoopAsync()
    {
        try
        {
            await foreach (var entry in _ready.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                var delivery = DeliverAsync(entry);
                _inFlight.TryAdd(delivery, 0);
                _ = delivery.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: what was not started stays in the spool.
        }
    }

    private async Task DeliverAsync(SpoolEntry entry)
    {
        await Task.Yield();
        try
        {
            var pending = _strategies.Where(s => !entry.IsDone(s.Name)).ToArray();
            if (pending.Length == 1)
            {
                await RunAsync(pending[0], entry).ConfigureAwait(false);
            }
            else if (pending.Length > 1)
            {
                await Task.WhenAll(pending.Select(s => RunAsync(s, entry))).ConfigureAwait(false);
            }

            var failed = _strategies.Where(s => !entry.IsDone(s.Name)).ToArray();
            if (failed.Length == 0)
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
            foreach (var strategy in failed)
            {
                HandlingTelemetry.Retried.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
                Log.StrategyRetryScheduled(_logger, strategy.Name, entry.Message.Id, (long)delay.TotalMilliseconds, entry.Attempts + 1);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RetryLaterAsync(SpoolEntry entry, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _retries.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopping: the entry stays in the spool
        }

        _ready.Writer.TryWrite(entry);
    }

    private async Task RunAsync(IMessageHandlingStrategy strategy, SpoolEntry entry)
    {
        var message = entry.Message;
        try
        {
            await strategy.HandleAsync(message, _options, _stopping.Token).ConfigureAwait(false);
            Done(strategy, entry);
            HandlingTelemetry.Handled.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
            Log.StrategyHandled(_logger, strategy.Name, message.Id, message.Event);
        }
        catch (WebSocketNotificationException ex) when (!ex.Retryable)
        {
            // The sink refused this message for good (for example a webhook answering 400): retrying cannot help.
            Done(strategy, entry);
            HandlingTelemetry.Failed.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
            Log.StrategyRejected(_logger, ex, strategy.Name, message.Id, message.Event, _tenantId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            HandlingTelemetry.Failed.Add(1, HandlingTelemetry.Tags(strategy.Name, _tenantId));
            Log.StrategyFailed(_logger, ex, strategy.Name, message.Id, message.Event, _tenantId);
        }
    }

    private static void Done(IMessageHandlingStrategy strategy, SpoolEntry entry)
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
