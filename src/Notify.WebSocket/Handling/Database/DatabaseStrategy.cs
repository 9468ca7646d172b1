using System.Data.Common;

namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// The spec's database strategy: one row per message in the notifications table, through ADO.NET
/// (<see cref="DbDataSource"/>): id = the message id (a redelivery is ignored), the receiving provider's tenant,
/// channel <c>websocket</c>, subject <c>WebSocket: {event}</c>, body = the data as JSON. Rows of concurrent messages
/// and batches share transactions (<see cref="NotificationsWriter"/>); a message completes when its row is committed.
/// </summary>
internal sealed class DatabaseStrategy(NotificationsDatabases databases) : IBatchMessageHandlingStrategy<MessageHandlingOptions>
{
    public const string Channel = "websocket";

    /// <summary>With <c>all</c>: when <c>storeInDatabase</c> is on.</summary>
    public bool TakesPartInAll(MessageHandlingOptions options) => options.StoreInDatabase;

    public async ValueTask HandleAsync(IncomingMessage message, MessageHandlingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var writer = await databases.GetAsync(options, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(message, options.DatabaseTable, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<Exception?>?> HandleBatchAsync(IReadOnlyList<IncomingMessage> messages, MessageHandlingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        var writer = await databases.GetAsync(options, cancellationToken).ConfigureAwait(false);
        return await writer.WriteBatchAsync(messages, options.DatabaseTable, cancellationToken).ConfigureAwait(false);
    }
}
