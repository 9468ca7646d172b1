using System.Globalization;
using Notify.WebSocket.Handling.Benchmarks;

// Messages/s through the Kafka and database strategies (pipeline with the durable spool on) against bare clients
// doing the same work, alternating rounds in one run. Ratios, not absolute figures, are what to compare.
// The scenarios live in StrategyThroughput so the main load harness can run them too.
var settings = new StrategyThroughputSettings
{
    KafkaMessages = Arg("--kafka", 10_000),
    DatabaseMessages = Arg("--db", 3_000),
    Rounds = Arg("--rounds", 3),
    MaxConcurrency = Arg("--concurrency", new Notify.WebSocket.MessageHandlingOptions().MaxConcurrency),
    Only = Array.IndexOf(args, "--only") is var only and >= 0 && only + 1 < args.Length ? args[only + 1] : null,
};
if (Array.IndexOf(args, "--latency") >= 0)
{
    // dotnet run -c Release --project tests/Notify.WebSocket.Handling.Benchmarks -- --latency [--rate 2000] [--seconds 5]
    var rate = Arg("--rate", 2_000);
    var (p50, p99, max) = await StrategyThroughput.DurableLatencyAsync(rate, Arg("--seconds", 5));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"handed to the pipeline -> durable in the spool, {rate} msg/s: p50 {p50:F2} ms, p99 {p99:F2} ms, max {max:F2} ms"));
    return;
}

await StrategyThroughput.RunAsync(settings, Console.Out);
return;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
