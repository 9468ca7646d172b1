using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Internal;

/// <summary>Internal mode: pushes notifications through the host's <see cref="INotificationGateway"/>, scoped to one tenant.</summary>
internal sealed class InternalGatewayProvider(string tenantId, WebSocketProviderOptions options, INotificationGateway gateway, TimeProvider timeProvider, ILogger logger)
    : WebSocketProviderBase(tenantId, options, timeProvider, logger)
{
    public const string DeliveredConnectionsKey = "deliveredConnections";

    public override WebSocketMode Mode => WebSocketMode.Internal;

    public override WebSocketConnectionState State => IsDisposed ? WebSocketConnectionState.Disposed : WebSocketConnectionState.Connected;

    public override ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<ProviderValidationResult>(ProviderValidationResult.Valid);
    }

    protected override ValueTask<SendResult> SendToUserCoreAsync(string id, string userId, NotificationContent content, CancellationToken cancellationToken)
    {
        var payload = NotificationPayload.Create(id, NotificationRecipient.ForUser(userId), content, TimeProvider.GetUtcNow());
        var delivered = gateway.SendToUserAsync(TenantId, userId, payload, cancellationToken);
        return delivered.IsCompletedSuccessfully
            ? new ValueTask<SendResult>(Complete(id, "user " + userId, delivered.Result))
            : CompleteAsync(id, "user " + userId, delivered);
    }

    protected override ValueTask<SendResult> SendToChannelCoreAsync(string id, string channel, NotificationContent content, CancellationToken cancellationToken)
    {
        var payload = NotificationPayload.Create(id, NotificationRecipient.ForChannel(channel), content, TimeProvider.GetUtcNow());
        var delivered = gateway.SendToChannelAsync(TenantId, channel, payload, cancellationToken);
        return delivered.IsCompletedSuccessfully
            ? new ValueTask<SendResult>(Complete(id, "channel " + channel, delivered.Result))
            : CompleteAsync(id, "channel " + channel, delivered);
    }

    protected override ValueTask<JsonElement> QueryCoreAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new WebSocketNotificationException(
            WebSocketErrorCodes.NotConfigured,
            "QueryAsync is not supported in internal mode: request-response needs an external server (mode \"external\" with enableRequestResponse).",
            retryable: false);

    private async ValueTask<SendResult> CompleteAsync(string id, string target, ValueTask<int> delivered) =>
        Complete(id, target, await delivered.ConfigureAwait(false));

    private SendResult Complete(string id, string target, int connections)
    {
        var metadata = new Dictionary<string, object?>(2, StringComparer.Ordinal)
        {
            [DeliveredConnectionsKey] = connections,
            ["mode"] = "internal",
        };
        if (connections == 0 && Options.FailWhenRecipientOffline)
        {
            return SendResult.Failed(id, TimeProvider.GetUtcNow(), new WebSocketError(
                WebSocketErrorCodes.RecipientOffline,
                $"No connection received the notification: {target} has nobody connected.",
                Retryable: true), metadata);
        }

        Log.Sent(Logger, id, target, TenantId, connections);
        return SendResult.Succeeded(id, TimeProvider.GetUtcNow(), metadata);
    }
}
