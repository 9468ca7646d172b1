using Confluent.Kafka;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// The delivery reports of one batch of records produced together: completes when the last report (or local failure)
/// is in, with null when every record was delivered, else each record's error in order. One task per batch instead of
/// one per record is what lets the strategy keep up with a bare producer.
/// </summary>
internal sealed class KafkaBatchDelivery
{
    private readonly Exception?[] _failures;
    private readonly TaskCompletionSource<IReadOnlyList<Exception?>?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;
    private int _failed;

    public KafkaBatchDelivery(int count)
    {
        _failures = new Exception?[count];
        _pending = count;
        if (count == 0)
        {
            _done.TrySetResult(null);
        }
    }

    public Task<IReadOnlyList<Exception?>?> Task => _done.Task;

    /// <summary>The delivery handler of the record at <paramref name="index"/>.</summary>
    public Action<DeliveryReport<string?, byte[]>> Handler(int index) =>
        report => Report(index, report.Error.IsError ? new KafkaException(report.Error) : null);

    /// <summary>The record at <paramref name="index"/> was not even queued.</summary>
    public void Fail(int index, Exception failure) => Report(index, failure);

    private void Report(int index, Exception? failure)
    {
        if (failure is not null)
        {
            _failures[index] = failure;
            Volatile.Write(ref _failed, 1);
        }

        // The decrement is a full fence: the last reporter sees every failure written before it.
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _done.TrySetResult(Volatile.Read(ref _failed) != 0 ? _failures : null);
        }
    }
}
