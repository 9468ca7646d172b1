using System.Data.Common;

namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// The spec's database strategy: one row per message in the notifications table, through ADO.NET
/// (<see cref="DbDataSource"/>): id = the message id (a redelivery is ignored), the receiving provider's tenant,
/// channel <c>websocket</c>, subject <c>WebSocket: {event}</c>, body = the data as JSON.
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
        var (source, dialect) = await databases.GetAsync(handling, cancellationToken).ConfigureAwait(false);
        var command = source.CreateCommand(dialect.Insert(handling.DatabaseTable));
        await using var disposeCommand = command.ConfigureAwait(false);
        Add(command, "@id", message.Id);
        Add(command, "@tenant_id", message.TenantId);
        Add(command, "@channel", Channel);
        Add(command, "@event", message.Event);
        Add(command, "@subject", "WebSocket: " + message.Event);
        Add(command, "@body", WebhookPayload.DataJson(message.Data));
        Add(command, "@metadata", WebhookPayload.MetadataJson(message));
        Add(command, "@source_url", message.Source.Url);
        Add(command, "@source_protocol", message.Source.Protocol);
        Add(command, "@received_at", dialect.ReceivedAt(message.Timestamp));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
