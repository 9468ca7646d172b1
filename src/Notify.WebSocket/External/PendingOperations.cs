using System.Collections.Concurrent;
using System.Text.Json;

namespace Notify.WebSocket.External;

/// <summary>
/// Acknowledgments and queries waiting for the server, by id. Acks survive a reconnect (their messages are sent
/// again with the same id); queries fail on a drop, since re-asking is the caller's decision.
/// </summary>
internal sealed class PendingOperations
{
    private readonly ConcurrentDictionary<string, Pending> _byId = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    public Pending Add(OutgoingMessage message)
    {
        var pending = new Pending(message);
        if (!_byId.TryAdd(message.Id!, pending))
        {
            throw new ArgumentException($"A message with id \"{message.Id}\" is already waiting for the server.", nameof(message));
        }

        return pending;
    }

    public bool TryComplete(string id, JsonElement data) =>
        _byId.TryRemove(id, out var pending) && pending.Completion.TrySetResult(data);

    public void Remove(Pending pending) => _byId.TryRemove(KeyValuePair.Create(pending.Message.Id!, pending));

    /// <summary>Acknowledged events that reached a socket but were not acknowledged, oldest first, to send again after a reconnect.</summary>
    public IReadOnlyList<OutgoingMessage> Unacknowledged() =>
        [.. _byId.Values.Where(p => p.Message.Kind == OutgoingKind.Event && p.Message.WasWritten).OrderBy(p => p.Sequence).Select(p => p.Message)];

    /// <summary>The answers awaited for what the server was sent (acknowledgments and responses).</summary>
    public IReadOnlyList<Task> Written() => [.. _byId.Values.Where(p => p.Message.WasWritten).Select(p => (Task)p.Completion.Task)];

    /// <summary>Fails the queries that were written: their answer was lost with the connection. Queued ones still go out.</summary>
    public void FailWrittenQueries(WebSocketNotificationError error) => Fail(error, static p => p.Message.Kind == OutgoingKind.Query && p.Message.WasWritten);

    /// <summary>Times out every acknowledgment whose deadline (a <see cref="TimeProvider"/> timestamp) has passed.</summary>
    public void ExpireAcknowledgments(long now)
    {
        foreach (var pending in _byId.Values)
        {
            if (pending.Message.Kind == OutgoingKind.Event && pending.Message.AcknowledgmentDeadline <= now
                && _byId.TryRemove(KeyValuePair.Create(pending.Message.Id!, pending)))
            {
                pending.Completion.TrySetException(new TimeoutException());
            }
        }
    }

    public void FailAll(WebSocketNotificationError error) => Fail(error, static _ => true);

    private void Fail(WebSocketNotificationError error, Func<Pending, bool> which)
    {
        foreach (var pending in _byId.Values)
        {
            if (which(pending) && _byId.TryRemove(KeyValuePair.Create(pending.Message.Id!, pending)))
            {
                pending.Completion.TrySetException(new WebSocketNotificationException(error));
            }
        }
    }

    internal sealed class Pending(OutgoingMessage message)
    {
        private static long _sequence;

        public OutgoingMessage Message { get; } = message;

        public long Sequence { get; } = Interlocked.Increment(ref _sequence);

        public TaskCompletionSource<JsonElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
