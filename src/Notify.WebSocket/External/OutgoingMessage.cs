namespace Notify.WebSocket.External;

/// <summary>
/// One message on its way out: the event name and its data already serialized as JSON, so every transport encodes
/// the same bytes its own way (the ws envelope, a Socket.IO emit). It completes once: written, or failed, or
/// cancelled. Its sender only allocates a task to wait on when someone else writes it.
/// </summary>
internal sealed class OutgoingMessage(OutgoingKind kind, string eventName, ReadOnlyMemory<byte> data, string? id, bool requiresAck)
{
    private static readonly object WrittenOutcome = new();

    // The outcome (WrittenOutcome or the error) and the waiter's completion are each set once, with full fences, so
    // whichever of completer and waiter comes second sees the other: no lock, and no lost wake-up.
    private object? _outcome;
    private TaskCompletionSource<WebSocketNotificationError?>? _completion;
    private long _acknowledgmentDeadline = long.MaxValue;

    public OutgoingKind Kind { get; } = kind;

    public string EventName { get; } = eventName;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public string? Id { get; } = id;

    public bool RequiresAck { get; } = requiresAck;

    /// <summary>How long the server has to acknowledge the message, counted from each time it is written.</summary>
    public TimeSpan AcknowledgmentTimeout { get; set; }

    /// <summary>
    /// Whether the message reached a socket at least once. An acknowledged message that has is written again after
    /// every reconnect until the server acknowledges it; one that has not is still in the queue. Only the writer sets it.
    /// </summary>
    public bool WasWritten { get; set; }

    /// <summary>When an unacknowledged message times out, as a <see cref="TimeProvider"/> timestamp; reset at every write.</summary>
    public long AcknowledgmentDeadline
    {
        get => Volatile.Read(ref _acknowledgmentDeadline);
        set => Volatile.Write(ref _acknowledgmentDeadline, value);
    }

    /// <summary>Written, failed or cancelled: a writer that finds it in the queue skips it.</summary>
    public bool IsCompleted => Volatile.Read(ref _outcome) is not null;

    /// <summary>Completes the message: <see langword="null"/> once written, or the error that kept it from being written.</summary>
    /// <returns>False when it had already completed.</returns>
    public bool TryComplete(WebSocketNotificationError? error)
    {
        if (Interlocked.CompareExchange(ref _outcome, error ?? WrittenOutcome, null) is not null)
        {
            return false;
        }

        Volatile.Read(ref _completion)?.TrySetResult(error);
        return true;
    }

    /// <summary>Waits until the message completes; <see langword="null"/> means written.</summary>
    public ValueTask<WebSocketNotificationError?> WhenCompletedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _outcome) is { } done)
        {
            return new ValueTask<WebSocketNotificationError?>(Decode(done));
        }

        var completion = new TaskCompletionSource<WebSocketNotificationError?>(TaskCreationOptions.RunContinuationsAsynchronously);
        completion = Interlocked.CompareExchange(ref _completion, completion, null) ?? completion;
        if (Volatile.Read(ref _outcome) is { } outcome)
        {
            completion.TrySetResult(Decode(outcome));
        }

        return new ValueTask<WebSocketNotificationError?>(cancellationToken.CanBeCanceled ? completion.Task.WaitAsync(cancellationToken) : completion.Task);
    }

    private static WebSocketNotificationError? Decode(object outcome) => outcome as WebSocketNotificationError;
}
