namespace Notify.WebSocket.Handling.Benchmarks;

/// <summary>Per scenario, the messages/s of each round, and the ratios the targets are stated in.</summary>
public sealed class StrategyThroughputResult(IReadOnlyDictionary<string, IReadOnlyList<double>> rates)
{
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Rates { get; } = rates;

    /// <summary>Kafka strategy / bare producer (Produce with a delivery handler, all reports awaited at the end). Target ≥ 0.7.</summary>
    public double KafkaRatio => Median(StrategyThroughput.KafkaPipeline) / Median(StrategyThroughput.KafkaBare);

    /// <summary>Kafka strategy / bare ProduceAsync awaiting each report, maxConcurrency in flight (what the strategy must do).</summary>
    public double KafkaAwaitingRatio => Median(StrategyThroughput.KafkaPipeline) / Median(StrategyThroughput.KafkaBareAwaiting);

    /// <summary>Database strategy / bare autocommit inserts. Target ≥ 0.7.</summary>
    public double DatabaseRatio => Median(StrategyThroughput.DatabasePipeline) / Median(StrategyThroughput.DatabaseBare);

    /// <returns>The median rate, or NaN when the scenario did not run (<c>--only</c>).</returns>
    public double Median(string scenario)
    {
        if (!Rates.TryGetValue(scenario, out var values))
        {
            return double.NaN;
        }

        return values.Order().ElementAt(values.Count / 2);
    }
}
