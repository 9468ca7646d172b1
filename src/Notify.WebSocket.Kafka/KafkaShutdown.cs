using Microsoft.Extensions.Hosting;

namespace Notify.WebSocket.Kafka;

/// <summary>Flushes the Kafka producer when the host stops, bounded by the host's shutdown token.</summary>
internal sealed class KafkaShutdown(KafkaStrategy strategy) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => strategy.FlushAsync(cancellationToken);
}
