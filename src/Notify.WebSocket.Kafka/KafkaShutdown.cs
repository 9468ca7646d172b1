using Microsoft.Extensions.Hosting;

namespace Notify.WebSocket.Kafka;

/// <summary>Flushes the Kafka producer when the host stops, bounded by the host's shutdown token, then gives up what is left (it stays spooled).</summary>
internal sealed class KafkaShutdown(KafkaStrategy strategy) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => strategy.StopAsync(cancellationToken);
}
