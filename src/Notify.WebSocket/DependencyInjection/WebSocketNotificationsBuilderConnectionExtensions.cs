using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.WebSocket;
using Notify.WebSocket.Auth;
using Notify.WebSocket.External;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How external connections of a provider configuration authenticate and reconnect.</summary>
public static class WebSocketNotificationsBuilderConnectionExtensions
{
    /// <summary>
    /// For <c>authType: bearer</c>, asks <paramref name="getToken"/> for the token before every connection attempt of
    /// this builder's provider configuration, instead of using <c>authToken</c> (which may then be left out).
    /// </summary>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <param name="getToken">Returns the current token; it is given the tenant, the attempt and a cancellation token.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddBearerTokenProvider(this IWebSocketNotificationsBuilder builder, Func<AuthContext, CancellationToken, ValueTask<string>> getToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(getToken);
        var provider = new DelegateBearerTokenProvider(getToken);
        builder.Services.AddSingleton(new BearerTokenProviderRegistration(builder.ProviderName, _ => provider));
        return builder;
    }

    /// <summary>
    /// For <c>authType: bearer</c>, asks a <typeparamref name="TProvider"/> from the container (registered here as a
    /// singleton if it is not) for the token before every connection attempt, instead of using <c>authToken</c>.
    /// </summary>
    /// <typeparam name="TProvider">The token provider type.</typeparam>
    /// <param name="builder">The builder <c>AddWebSocketNotifications</c> returned.</param>
    /// <returns>The builder.</returns>
    public static IWebSocketNotificationsBuilder AddBearerTokenProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProvider>(this IWebSocketNotificationsBuilder builder)
        where TProvider : class, IBearerTokenProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TProvider>();
        builder.Services.AddSingleton(new BearerTokenProviderRegistration(builder.ProviderName, static sp => sp.GetRequiredService<TProvider>()));
        return builder;
    }

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
