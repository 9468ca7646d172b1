using System.Data.Common;

namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// The spec's database strategy: one row per message in the notifications table, through ADO.NET
/// (<see cref="DbDataSource"/>): id = the message id (a redelivery is ignored), the receiving provider's tenant,
/// channel <c>websocket</c>, subject <c>WebSocket: {event}</c>, body = the data as JSON. Rows of concurrent messages
/// share transactions (<see cref="NotificationsWriter"/>); a message completes when its row is committed.
/// </summary>
internal sealed class DatabaseStrategy(NotificationsDatabases databases) : IMessageHandlingStrategy
{
    public const string Channel = "websocket";

    public string Name => MessageHandlingStrategies.Database;

    public async ValueTask HandleAsync(IncomingMessage message, WebSocketProviderOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var handling = options.MessageHandling;
        var writer = await databases.GetAsync(handling, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(message, handling.DatabaseTable, cancellationToken).ConfigureAwait(false);
    }
}
