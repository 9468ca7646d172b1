using System.Diagnostics.Metrics;

namespace Notify.WebSocket.Testing;

/// <summary>Listens to one instrument of the Notify.WebSocket meter.</summary>
public sealed class MetricCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricCollector(string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == "Notify.WebSocket" && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => _measurements.Enqueue((value, tags.ToArray())));
        _listener.Start();
    }

    public void Observe() => _listener.RecordObservableInstruments();

    public long Sum(string tag, string value) => _measurements.Where(m => Has(m.Tags, tag, value)).Sum(m => m.Value);

    /// <summary>The sum of the measurements that carry every one of <paramref name="tags"/>.</summary>
    public long Sum(params (string Tag, string Value)[] tags) => _measurements.Where(m => tags.All(t => Has(m.Tags, t.Tag, t.Value))).Sum(m => m.Value);

    public long Last(string tag, string value) => _measurements.LastOrDefault(m => Has(m.Tags, tag, value)).Value;

    public void Dispose() => _listener.Dispose();

    private static bool Has(KeyValuePair<string, object?>[] tags, string tag, string value) =>
        tags.Any(t => t.Key == tag && string.Equals(t.Value as string, value, StringComparison.Ordinal));
}
