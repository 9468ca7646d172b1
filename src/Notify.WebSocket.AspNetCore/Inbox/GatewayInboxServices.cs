using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>Registers the gateway's inbox side, used when <c>AddNotificationInbox</c> is on (before or after the gateway).</summary>
internal static class GatewayInboxServices
{
    public static void Add(IServiceCollection services)
    {
        // Made only when the journal exists (a factory: a host without the inbox, validated on build, must not need one).
        services.TryAddSingleton(sp => new GatewayInboxSlot(sp.GetService<NotificationJournal>() is null ? null : ActivatorUtilities.CreateInstance<GatewayInbox>(sp)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InboxBackplaneHost>());
    }
}
