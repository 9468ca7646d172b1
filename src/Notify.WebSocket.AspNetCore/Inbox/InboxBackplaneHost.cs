using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.ScaleOut;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>Starts the <see cref="InboxBackplane"/> when both the inbox and Redis scale-out are on (either may be added after the gateway).</summary>
internal sealed class InboxBackplaneHost(IServiceProvider services) : IHostedService, IDisposable
{
    private InboxBackplane? _backplane;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<GatewayInboxSlot>().Inbox is not { } inbox || services.GetService<GatewayRedis>() is not { } redis)
        {
            return;
        }

        _backplane = new InboxBackplane(
            redis,
            inbox,
            services.GetRequiredService<IOptions<SignalRGatewayOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<InboxBackplane>>());
        await _backplane.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _backplane?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public void Dispose() => _backplane?.Dispose();
}
