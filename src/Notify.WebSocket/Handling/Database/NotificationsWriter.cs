using System.Data.Common;
using System.Threading.Channels;

namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// Group commit for one database: rows offered while a transaction is being written go into the next one, so many
/// messages share one commit (and one fsync) instead of paying one each. A caller's task completes only after the
/// transaction holding its row committed. A failed transaction is retried row by row, so a bad row fails alone (the
/// pipeline retries it; the insert ignores ids already stored).
/// </summary>
internal sealed class NotificationsWriter : IAsyncDisposable
{
    private const int MaxBatch = 4096;

    private readonly Channel<Row> _rows = Channel.CreateUnbounded<Row>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DbDataSource _source;
    private readonly NotificationsDialect _dialect;
    private readonly Task _loop;

    public NotificationsWriter(DbDataSource source, NotificationsDialect dialect)
    {
        _source = source;
        _dialect = dialect;
        _loop = Task.Run(WriteLoopAsync);
    }

    public Task WriteAsync(IncomingMessage message, string table, CancellationToken cancellationToken)
    {
        var row = new Row(message, table, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_rows.Writer.TryWrite(row), this);

        return row.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _rows.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Row>(MaxBatch);
        while (await _rows.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _rows.Reader.TryRead(out var row))
            {
                batch.Add(row);
            }

            try
            {
                await WriteAsync(batch).ConfigureAwait(false);
                batch.ForEach(r => r.Done.TrySetResult());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && batch.Count == 1)
            {
                batch[0].Done.TrySetException(ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One bad row must not fail the others: write them one by one (each row then reports its own error).
                foreach (var row in batch)
                {
                    try
                    {
                        await WriteAsync([row]).ConfigureAwait(false);
                        row.Done.TrySetResult();
                    }
                    catch (Exception rowError) when (rowError is not OutOfMemoryException)
                    {
                        row.Done.TrySetException(rowError);
                    }
                }
            }

            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Row> batch)
    {
        var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var group in batch.GroupBy(r => r.Table, StringComparer.Ordinal))
                {
                    var command = connection.CreateCommand();
                    await using (command.ConfigureAwait(false))
                    {
                        command.Transaction = transaction;
                        command.CommandText = _dialect.Insert(group.Key);
                        var parameters = Parameters(command);
                        foreach (var row in group)
                        {
                            Bind(parameters, row.Message);
                            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                        }
                    }
                }

                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }
    }

    private static DbParameter[] Parameters(DbCommand command)
    {
        string[] names = ["@id", "@tenant_id", "@channel", "@event", "@subject", "@body", "@metadata", "@source_url", "@source_protocol", "@received_at"];
        return [.. names.Select(name =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
            return parameter;
        })];
    }

    private void Bind(DbParameter[] p, IncomingMessage message)
    {
        p[0].Value = message.Id;
        p[1].Value = message.TenantId;
        p[2].Value = DatabaseStrategy.Channel;
        p[3].Value = message.Event;
        p[4].Value = "WebSocket: " + message.Event;
        p[5].Value = WebhookPayload.DataJson(message.Data);
        p[6].Value = WebhookPayload.MetadataJson(message);
        p[7].Value = message.Source.Url;
        p[8].Value = message.Source.Protocol;
        p[9].Value = _dialect.ReceivedAt(message.Timestamp);
    }

    private sealed record Row(IncomingMessage Message, string Table, TaskCompletionSource Done);
}
