using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Notify.WebSocket.Kafka.Tests;

/// <summary>
/// An unreachable broker makes librdkafka report the same failure every few milliseconds: the log gets one line per
/// kind per interval, with the count held back, while the record waits in librdkafka for the broker.
/// </summary>
public sealed class KafkaLogTests
{
    [Fact]
    public async Task AnUnreachableBroker_IsLoggedOncePerKindAndInterval_ThenWithTheCountHeldBack()
    {
        var logs = new CapturingLoggerProvider();
        var time = new FakeTimeProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var strategy = new KafkaStrategy(loggers.CreateLogger<KafkaStrategy>(), time);
        var options = new KafkaStrategyOptions { BootstrapServers = $"127.0.0.1:{Loopback.FreePort()}", DeliveryTimeout = TimeSpan.FromMinutes(5) };
        options.Producer.Set("reconnect.backoff.ms", "5");
        options.Producer.Set("reconnect.backoff.max.ms", "20");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var waiting = strategy.HandleAsync(Messages.Create("waiting"), options, stop.Token).AsTask();

        await Eventually.TrueAsync(() => strategy.LibrdkafkaLinesHeld >= 50, "librdkafka kept reporting the unreachable broker", 20_000);
        var firstReports = Reports(logs);
        time.Advance(KafkaStrategy.LogInterval);
        await Eventually.TrueAsync(() => Reports(logs).Any(l => !l.Contains("(0 more like it", StringComparison.Ordinal)), "a report with the count held back", 20_000);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        Assert.NotEmpty(firstReports);
        Assert.All(firstReports, l => Assert.Contains("(0 more like it not logged since the last report)", l, StringComparison.Ordinal));
        Assert.True(firstReports.Count <= 10, $"{firstReports.Count} lines before the interval passed:\n{string.Join('\n', firstReports)}");
    }

    private static List<string> Reports(CapturingLoggerProvider logs) =>
        [.. logs.Lines.Where(l => l.Contains(" 5001: librdkafka", StringComparison.Ordinal) || l.Contains(" 5002: librdkafka", StringComparison.Ordinal))];
}
