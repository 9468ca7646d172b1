namespace Notify.WebSocket.AotSample;

/// <summary>
/// A handling strategy of the app's own under Native AOT: counts the incoming messages of the events its own options
/// name (<c>messageHandling:strategies:tally</c>, bound by the configuration binding source generator).
/// </summary>
internal sealed class TallyStrategy : IMessageHandlingStrategy<TallyOptions>
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ValueTask HandleAsync(IncomingMessage message, TallyOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Events.Contains(message.Event))
        {
            Interlocked.Increment(ref _count);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The tally strategy's own options.</summary>
internal sealed class TallyOptions
{
    /// <summary>The events counted.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>How many the sample expects.</summary>
    public int Expected { get; set; }
}
