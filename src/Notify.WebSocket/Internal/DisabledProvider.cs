using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Internal;

/// <summary>The provider of a configuration with <c>enabled: false</c>: every operation fails with <see cref="WebSocketErrorCodes.NotConfigured"/>.</summary>
internal sealed class DisabledProvider(string tenantId, WebSocketProviderOptions options, TimeProvider timeProvider, ILogger logger)
    : WebSocketProviderBase(tenantId, options, timeProvider, logger)
{
    private static readonly WebSocketNotificationError DisabledError = new(
        WebSocketErrorCodes.NotConfigured,
        "The WebSocket provider is disabled (enabled: false); enable it in configuration to send.",
        Retryable: false);

    public override WebSocketMode Mode => Options.Mode;

    public override WebSocketConnectionState State => IsDisposed ? WebSocketConnectionState.Disposed : WebSocketConnectionState.Disconnected;

    public override ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default) =>
        new(ProviderValidationResult.Invalid(DisabledError));

    protected override ValueTask<SendResult> SendToUserCoreAsync(string id, string userId, NotificationContent content, CancellationToken cancellationToken) =>
        new(SendResult.Failed(id, TimeProvider.GetUtcNow(), DisabledError));

    protected override ValueTask<SendResult> SendToChannelCoreAsync(string id, string channel, NotificationContent content, CancellationToken cancellationToken) =>
        new(SendResult.Failed(id, TimeProvider.GetUtcNow(), DisabledError));

    protected override ValueTask<JsonElement> QueryCoreAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new WebSocketNotificationException(DisabledError);
}
