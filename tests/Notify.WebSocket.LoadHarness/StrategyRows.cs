using System.Globalization;
using Notify.WebSocket.Handling.Benchmarks;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// The incoming-message strategies through the pipeline with the durable spool on, against bare clients of the same
/// Kafka cluster (librdkafka's mock) and the same SQLite, alternating rounds in one run (see StrategyThroughput).
/// </summary>
internal static class StrategyRows
{
    public static async Task<IReadOnlyList<string[]>> RunAsync(bool quick, int repeat)
    {
        var settings = quick
            ? new StrategyThroughputSettings { KafkaMessages = 500, DatabaseMessages = 200, Rounds = 1 }
            : new StrategyThroughputSettings { Rounds = Math.Max(3, repeat) };
        var result = await StrategyThroughput.RunAsync(settings, TextWriter.Null).ConfigureAwait(false);

        string Rate(string scenario) => result.Median(scenario).ToString("#,0", CultureInfo.InvariantCulture) + "/s";
        string Ratio(string ours, string baseline) => (result.Median(ours) / result.Median(baseline)).ToString("0.00", CultureInfo.InvariantCulture) + "x";

        return
        [
            ["incoming, messages/s through Kafka strategy (spool on)", Rate(StrategyThroughput.KafkaPipeline),
                Rate(StrategyThroughput.KafkaBare) + " bare producer (Produce + delivery handler, acks=all, idempotent)", Ratio(StrategyThroughput.KafkaPipeline, StrategyThroughput.KafkaBare)],
            [$"incoming, Kafka strategy vs a bare producer awaiting each report, {settings.MaxConcurrency:N0} in flight", Rate(StrategyThroughput.KafkaPipeline),
                Rate(StrategyThroughput.KafkaBareAwaiting), Ratio(StrategyThroughput.KafkaPipeline, StrategyThroughput.KafkaBareAwaiting)],
            ["incoming, messages/s through database strategy (SQLite, spool on)", Rate(StrategyThroughput.DatabasePipeline),
                Rate(StrategyThroughput.DatabaseBare) + " bare inserts, one per commit", Ratio(StrategyThroughput.DatabasePipeline, StrategyThroughput.DatabaseBare)],
            ["incoming, database strategy vs bare inserts all in one transaction", Rate(StrategyThroughput.DatabasePipeline),
                Rate(StrategyThroughput.DatabaseBareOneTransaction), Ratio(StrategyThroughput.DatabasePipeline, StrategyThroughput.DatabaseBareOneTransaction)],
        ];
    }
}
