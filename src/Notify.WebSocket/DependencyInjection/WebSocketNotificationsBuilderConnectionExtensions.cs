using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket;
using Notify.WebSocket.External;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How external connections of a provider configuration reconnect.</summary>
public static class WebSocketNotificationsBuilderConnectionExtensions
{
    /// <summary>Uses <paramref name="policy"/> instead of the default backoff for this builder's provider configuration.</summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="policy">The policy; shared by every connection of the configuration, so it must be thread-safe.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddReconnectionPolicy(this IWebSocketNotificationsBuilder builder, IReconnectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        builder.Services.AddSingleton(new ReconnectionPolicyRegistration(builder.ProviderName, _ => policy));
        return builder;
    }

    /// <summary>Uses a <typeparamref name="TPolicy"/> from the container (registered here as a singleton if it is not) instead of the default backoff.</summary>
    /// <typeparam name="TPolicy">The policy type.</typeparam>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddReconnectionPolicy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPolicy>(this IWebSocketNotificationsBuilder builder)
        where TPolicy : class, IReconnectionPolicy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TPolicy>();
        builder.Services.AddSingleton(new ReconnectionPolicyRegistration(builder.ProviderName, static sp => sp.GetRequiredService<TPolicy>()));
        return builder;
    }
}
