namespace Notify.WebSocket.External;

/// <summary>
/// One message on its way out: the event name and its data already serialized as JSON, so every transport encodes
/// the same bytes its own way (the ws envelope, a Socket.IO emit). Only queued messages allocate a completion.
/// </summary>
internal sealed class OutgoingMessage(OutgoingKind kind, string eventName, ReadOnlyMemory<byte> data, string? id, bool requiresAck)
{
    private TaskCompletionSource<WebSocketNotificationError?>? _written;
    private int _cancelled;

    public OutgoingKind Kind { get; } = kind;

    public string EventName { get; } = eventName;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public string? Id { get; } = id;

    public bool RequiresAck { get; } = requiresAck;

    public bool IsCancelled => Volatile.Read(ref _cancelled) != 0;

    /// <summary>Completes with null once written, or with the error that kept it from being written.</summary>
    public Task<WebSocketNotificationError?> Written => (_written ??= new TaskCompletionSource<WebSocketNotificationError?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void PrepareForQueue() => _ = Written;

    public void Cancel() => Interlocked.Exchange(ref _cancelled, 1);

    public void Complete(WebSocketNotificationError? error) => _written?.TrySetResult(error);
}
