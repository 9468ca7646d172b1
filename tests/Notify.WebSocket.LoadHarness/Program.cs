// The load harness: every scenario against its baseline, in the same run, against the same server.
//   dotnet run -c Release --project tests/Notify.WebSocket.LoadHarness -- [--seconds 5] [--repeat 3] [--only text] [--quick]
// --quick runs each scenario once for a fraction of a second (CI uses it so the harness cannot rot).
using System.Globalization;
using Notify.WebSocket.LoadHarness;

var seconds = Option("--seconds", 5.0);
var repeat = (int)Option("--repeat", 3);
var only = OptionText("--only");
if (args.Contains("--quick"))
{
    seconds = 0.3;
    repeat = 1;
}

Scenario[] scenarios =
[
    new WsOneWayScenario(), new WsOneWayPrebuiltScenario(), new WsAckScenario(), new WsQueryScenario(),
    new SocketIoFireAndForgetScenario(), new SocketIoAckScenario(),
    new SignalRBroadcastScenario(), new SocketIoBroadcastScenario(), new InProcessGatewayScenario(),
    new InboxBroadcastScenario(senders: 1), new InboxBroadcastScenario(senders: 8), new InboxBroadcastScenario(senders: 64), new InboxBroadcastScenario(senders: 64, perRound: 1000), new InboxUserSendsScenario(senders: 512), new InboxUserSendsScenario(senders: 1024), new InboxUserSendsScenario(senders: 1024, againstBareInserts: true), new InboxReplayScenario(),
];
var rows = new List<string[]>();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

foreach (var scenario in scenarios.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
{
    Console.Error.WriteLine($"running: {scenario.Name}");
    await scenario.SetUpAsync(cancel.Token);
    try
    {
        var duration = TimeSpan.FromSeconds(seconds);
        await WarmUpAsync(scenario, TimeSpan.FromSeconds(Math.Min(1, seconds)), cancel.Token);
        var ours = new List<Measurement>();
        var baseline = new List<Measurement>();
        for (var i = 0; i < repeat; i++)
        {
            ours.Add(await scenario.RunOursAsync(duration, cancel.Token));
            baseline.Add(await scenario.RunBaselineAsync(duration, cancel.Token));
        }

        var o = Median(ours);
        var b = Median(baseline);
        rows.Add([
            scenario.Name,
            Format(o, scenario.ReportsLatency),
            Format(b, scenario.ReportsLatency),
            (o.PerSecond / b.PerSecond).ToString("0.00", CultureInfo.InvariantCulture) + "x",
        ]);
    }
    finally
    {
        await scenario.TearDownAsync();
    }
}

if (only is null || "incoming".Contains(only, StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine("running: incoming strategies");
    rows.AddRange(await StrategyRows.RunAsync(args.Contains("--quick"), repeat));
}

if (only is null || "memory".Contains(only, StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine("running: memory");
    rows.AddRange(await MemoryProbe.RunAsync(args.Contains("--quick"), cancel.Token));
    rows.AddRange(await SocketIoMemoryProbe.RunAsync(args.Contains("--quick"), cancel.Token));
}

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {repeat} run(s) of {seconds:0.#} s each, median");
Console.WriteLine();
Console.WriteLine("| scenario | ours | baseline (same run) | ratio |");
Console.WriteLine("|---|---|---|---|");
foreach (var row in rows)
{
    Console.WriteLine($"| {string.Join(" | ", row)} |");
}

return 0;

// Both paths run until the JIT has settled: tiered compilation and dynamic PGO keep recompiling for seconds on 2 cores,
// and a run that still pays for it (instrumented code, a busy compiler thread) measures the warm-up, not the path.
static async Task WarmUpAsync(Scenario scenario, TimeSpan round, CancellationToken cancellationToken)
{
    const int MaxRounds = 15;
    for (var i = 0; i < MaxRounds; i++)
    {
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();
        await scenario.RunOursAsync(round, cancellationToken);
        await scenario.RunBaselineAsync(round, cancellationToken);
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
        if (round < TimeSpan.FromSeconds(1) || compiled < 20)
        {
            Console.Error.WriteLine($"  warm after {i + 1} round(s) ({compiled} methods compiled in the last)");
            return;
        }
    }

    Console.Error.WriteLine($"  still compiling after {MaxRounds} warm-up rounds");
}

static Measurement Median(List<Measurement> runs) => runs.OrderBy(r => r.PerSecond).ElementAt(runs.Count / 2);

static string Format(Measurement m, bool latency) =>
    m.PerSecond.ToString("#,0", CultureInfo.InvariantCulture) + "/s"
    + (latency ? string.Create(CultureInfo.InvariantCulture, $" (p50 {m.Percentile(50):0.00} ms, p99 {m.Percentile(99):0.00} ms)") : string.Empty);

double Option(string name, double fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string? OptionText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
