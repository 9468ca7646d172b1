namespace Notify.WebSocket.Handling.Benchmarks;

/// <summary>How much work each round of <see cref="StrategyThroughput"/> does.</summary>
public sealed class StrategyThroughputSettings
{
    public int KafkaMessages { get; init; } = 10_000;

    public int DatabaseMessages { get; init; } = 3_000;

    public int Rounds { get; init; } = 3;

    /// <summary>The pipeline's <c>maxConcurrency</c>, also the in-flight bound of the awaiting bare producer.</summary>
    public int MaxConcurrency { get; init; } = new MessageHandlingOptions().MaxConcurrency;

    /// <summary>Runs only the scenarios whose name starts with this (<c>kafka</c>, <c>db</c>, <c>noop</c>), for profiling one path.</summary>
    public string? Only { get; init; }
}
