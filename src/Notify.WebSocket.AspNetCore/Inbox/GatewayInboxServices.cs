using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>Registers the gateway's inbox side, used when <c>AddNotificationInbox</c> is on (before or after the gateway).</summary>
internal static class GatewayInboxServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<GatewayInbox>();
        services.TryAddSingleton(sp => new GatewayInboxSlot(sp.GetService<NotificationJournal>() is null ? null : sp.GetRequiredService<GatewayInbox>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InboxBackplaneHost>());
    }
}
