using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Internal;

/// <summary>
/// Internal mode: pushes notifications through the host's <see cref="INotificationGateway"/>, scoped to one tenant.
/// With <paramref name="inboxOn"/>, a send the gateway returned from is stored, whoever was connected.
/// </summary>
internal sealed class InternalGatewayProvider(string tenantId, WebSocketProviderOptions options, INotificationGateway gateway, TimeProvider timeProvider, ILogger logger, bool inboxOn = false)
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
        return Deliver(id, "user ", static (g, tenant, name, p, ct) => g.SendToUserAsync(tenant, name, p, ct), userId, payload, cancellationToken);
    }

    protected override ValueTask<SendResult> SendToChannelCoreAsync(string id, string channel, NotificationContent content, CancellationToken cancellationToken)
    {
        var payload = NotificationPayload.Create(id, NotificationRecipient.ForChannel(channel), content, TimeProvider.GetUtcNow());
        return Deliver(id, "channel ", static (g, tenant, name, p, ct) => g.SendToChannelAsync(tenant, name, p, ct), channel, payload, cancellationToken);
    }

    protected override ValueTask<JsonElement> QueryCoreAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new WebSocketNotificationException(
            WebSocketErrorCodes.NotConfigured,
            "QueryAsync is not supported in internal mode: request-response needs an external server (mode \"external\" with enableRequestResponse).",
            retryable: false);

    /// <summary>
    /// A gateway reports refusals (rate limits, its own outages) by throwing; they become failed results here, so
    /// callers see one contract whatever gateway the host plugs in. A gateway (or its journal) the host already disposed
    /// throws <see cref="ObjectDisposedException"/> to the caller, as a disposed provider does. The target ("user alice") is only spelled out
    /// for a failure or a debug log, never on a plain successful send.
    /// </summary>
    private ValueTask<SendResult> Deliver(
        string id,
        string targetKind,
        Func<INotificationGateway, string, string, NotificationPayload, CancellationToken, ValueTask<int>> send,
        string name,
        NotificationPayload payload,
        CancellationToken cancellationToken)
    {
        ValueTask<int> delivered;
        try
        {
            delivered = send(gateway, TenantId, name, payload, cancellationToken);
        }
        catch (ObjectDisposedException ex)
        {
            throw Disposed(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ArgumentException)
        {
            return new ValueTask<SendResult>(GatewayFailure(id, ex));
        }

        return delivered.IsCompletedSuccessfully
            ? new ValueTask<SendResult>(Complete(id, targetKind, name, delivered.Result))
            : CompleteAsync(id, targetKind, name, delivered);
    }

    private async ValueTask<SendResult> CompleteAsync(string id, string targetKind, string name, ValueTask<int> delivered)
    {
        try
        {
            return Complete(id, targetKind, name, await delivered.ConfigureAwait(false));
        }
        catch (ObjectDisposedException ex)
        {
            throw Disposed(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ArgumentException)
        {
            return GatewayFailure(id, ex);
        }
    }

    /// <summary>Said in the caller's terms: the object that was disposed is one of the library's internals.</summary>
    private static ObjectDisposedException Disposed(ObjectDisposedException inner) =>
        new("The provider cannot send: the host is stopping and has disposed its notification gateway or inbox.", inner);

    private SendResult GatewayFailure(string id, Exception exception) =>
        SendResult.Failed(id, TimeProvider.GetUtcNow(), exception is WebSocketNotificationException known
            ? known.Error
            : new WebSocketNotificationError(WebSocketErrorCodes.Error, "The notification gateway failed: " + exception.Message, Retryable: true));

    private SendResult Complete(string id, string targetKind, string name, int connections)
    {
        var metadata = new FixedMetadata<object?>(DeliveredConnectionsKey, connections, "mode", "internal");
        if (connections == 0 && Options.FailWhenRecipientOffline)
        {
            // Stored, it reaches them when they connect: sending it again would store it twice.
            return SendResult.Failed(id, TimeProvider.GetUtcNow(), new WebSocketNotificationError(
                WebSocketErrorCodes.RecipientOffline,
                inboxOn
                    ? $"No connection received the notification live: {targetKind}{name} has nobody connected. It is stored in the inbox and reaches them when they connect; do not send it again."
                    : $"No connection received the notification: {targetKind}{name} has nobody connected.",
                Retryable: !inboxOn), metadata);
        }

        if (Logger.IsEnabled(LogLevel.Debug))
        {
            Log.Sent(Logger, id, targetKind + name, TenantId, connections);
        }

        return SendResult.Succeeded(id, TimeProvider.GetUtcNow(), metadata);
    }
}
