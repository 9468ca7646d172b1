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

    private readonly Channel<Rows> _rows = Channel.CreateUnbounded<Rows>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DbDataSource _source;
    private readonly NotificationsDialect _dialect;
    private readonly Task _loop;

    public NotificationsWriter(DbDataSource source, NotificationsDialect dialect)
    {
        _source = source;
        _dialect = dialect;
        _loop = Task.Run(WriteLoopAsync);
    }

    public async Task WriteAsync(IncomingMessage message, string table, CancellationToken cancellationToken)
    {
        if (await Offer([message], table, cancellationToken).ConfigureAwait(false) is [{ } failure])
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Writes the messages' rows; null when all were committed, else each row's error (or null) in order.</summary>
    public Task<IReadOnlyList<Exception?>?> WriteBatchAsync(IReadOnlyList<IncomingMessage> messages, string table, CancellationToken cancellationToken) =>
        Offer(messages, table, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _rows.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private Task<IReadOnlyList<Exception?>?> Offer(IReadOnlyList<IncomingMessage> messages, string table, CancellationToken cancellationToken)
    {
        var rows = new Rows(messages, table, new TaskCompletionSource<IReadOnlyList<Exception?>?>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_rows.Writer.TryWrite(rows), this);
        return rows.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Rows>();
        while (await _rows.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var count = 0;
            while (count < MaxBatch && _rows.Reader.TryRead(out var rows))
            {
                batch.Add(rows);
                count += rows.Messages.Count;
            }

            try
            {
                await WriteAsync(batch.SelectMany(r => r.Messages.Select(m => (m, r.Table)))).ConfigureAwait(false);
                batch.ForEach(r => r.Done.TrySetResult(null));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && count == 1)
            {
                batch.ForEach(r => r.Done.TrySetResult(r.Messages.Count == 1 ? [ex] : null));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One bad row must not fail the others: write them one by one (each row then reports its own error).
                foreach (var rows in batch)
                {
                    rows.Done.TrySetResult(await OneByOneAsync(rows).ConfigureAwait(false));
                }
            }

            batch.Clear();
        }
    }

    private async Task<IReadOnlyList<Exception?>?> OneByOneAsync(Rows rows)
    {
        Exception?[]? failures = null;
        for (var i = 0; i < rows.Messages.Count; i++)
        {
            try
            {
                await WriteAsync([(rows.Messages[i], rows.Table)]).ConfigureAwait(false);
            }
            catch (Exception rowError) when (rowError is not OutOfMemoryException)
            {
                failures ??= new Exception?[rows.Messages.Count];
                failures[i] = rowError;
            }
        }

        return failures;
    }

    private async Task WriteAsync(IEnumerable<(IncomingMessage Message, string Table)> rows)
    {
        var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var group in rows.GroupBy(r => r.Table, StringComparer.Ordinal))
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

    /// <summary>The rows of one call (one message, or a strategy's batch) and the task its caller waits on.</summary>
    private sealed record Rows(IReadOnlyList<IncomingMessage> Messages, string Table, TaskCompletionSource<IReadOnlyList<Exception?>?> Done);
}
