namespace Notify.WebSocket.LoadHarness;

/// <summary>One timed run: operations completed in the elapsed time, and latencies when the scenario records them.</summary>
internal sealed record Measurement(long Operations, TimeSpan Elapsed, IReadOnlyList<double>? LatenciesMs = null)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs is not { Count: > 0 } latencies)
        {
            return double.NaN;
        }

        var sorted = latencies.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }
}
