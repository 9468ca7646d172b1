using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Notify.WebSocket;

/// <summary>Typed queries with source-generated metadata: the Native AOT form of <see cref="IWebSocketProvider.QueryAsync{T}(QueryRequest, CancellationToken)"/>.</summary>
public static class WebSocketProviderExtensions
{
    /// <summary>Sends a request and deserializes the response with <paramref name="typeInfo"/> (for example <c>AppJsonContext.Default.UserInfo</c>).</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="provider">The provider.</param>
    /// <param name="request">The event, its data and an optional timeout.</param>
    /// <param name="typeInfo">The response type's metadata.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The deserialized response.</returns>
    /// <exception cref="WebSocketNotificationException">The query failed (see <see cref="IWebSocketProvider.QueryAsync(QueryRequest, CancellationToken)"/>), or the response does not deserialize to <typeparamref name="T"/> (<see cref="WebSocketErrorCodes.Error"/>).</exception>
    /// <exception cref="ArgumentException">The request has no event name.</exception>
    /// <exception cref="OperationCanceledException">The query was cancelled.</exception>
    public static async ValueTask<T?> QueryAsync<T>(this IWebSocketProvider provider, QueryRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var response = await provider.QueryAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return response.Deserialize(typeInfo);
        }
        catch (JsonException ex)
        {
            throw new WebSocketNotificationException(WebSocketErrorCodes.Error, $"The response to \"{request.Event}\" is not a valid {typeof(T).Name}: {ex.Message}", retryable: false, ex);
        }
    }
}
